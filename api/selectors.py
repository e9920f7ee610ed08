"""Reads of the API that are not a kind's rows: the indicators as a reader may see them."""

from __future__ import annotations

from core import disclosure
from core import indicators as engine
from org.access import Access
from org.models import Unit


def indicator_payload(access: Access, *, unit: Unit, year: int) -> dict:
    """The ``indicators --format json`` object (shared/spec/commands.md) for
    ``unit``, computed as the dashboard computes it for this reader: each
    definition as the reader may know it (``for_reader``) and its figure
    through the small-counts rule (core/disclosure.py). For a reader who may
    read the records behind every figure, the numbers are the command's."""
    roots = Unit.objects.filter(pk=unit.pk)
    reads_records = access.reads_records_at(unit)
    figures = []
    for indicator in engine.indicators():
        mine = indicator.for_reader(access.user)
        numerator, denominator = mine.counts(year=year, roots=roots).get(unit.pk, (0, 0))
        figure = mine.figure(numerator, denominator)
        figures.append(disclosure.disclose(figure, indicator=mine, reads_records=reads_records))
    return {"year": year, "unit": unit.code, "indicators": [figure.as_dict() for figure in figures]}
