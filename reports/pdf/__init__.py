"""Printable appraisal documents: the leader dossier and the unit report.

Everything is drawn with reportlab (platypus for the flow, reportlab.graphics
for the charts) in one CJK font registered by ``fonts``, so the same glyphs
appear in text, tables and charts on any computer.
"""
