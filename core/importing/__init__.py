"""Spreadsheet import and export of every record kind (shared/spec/data-formats.md).

A kind is declared once, as a ``RecordResource`` in its app's
``resources.py`` (see ``resources.RecordResource``); the command line, the
admin and tests all import and export through ``services``.
"""

from .registry import UnknownKind, get_resource_class, kinds, register
from .resources import Column, RecordResource, unit_code
from .services import ImportOutcome, records_export, records_import

__all__ = [
    "Column",
    "ImportOutcome",
    "RecordResource",
    "UnknownKind",
    "get_resource_class",
    "kinds",
    "records_export",
    "records_import",
    "register",
    "unit_code",
]
