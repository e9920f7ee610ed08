"""Every kind's export, in either form and format, re-imports unchanged, and
the full round trip (export every kind -> import into an empty database ->
export again) gives the same bytes (docs/importing.md, "Exports")."""

import csv
import io

import openpyxl
import pytest
from django.db import transaction

from core.importing import kinds, records_import
from core.importing.exporting import CHINESE, CODES
from core.importing.services import records_export_file
from personnel.models import Officer

from .records import every_kind_service

pytestmark = pytest.mark.django_db

FORMS = [(CODES, ".csv"), (CODES, ".xlsx"), (CHINESE, ".csv"), (CHINESE, ".xlsx")]


def _export_all(mode, extension) -> dict[str, bytes]:
    files = {}
    for kind in kinds():
        out = io.BytesIO()
        records_export_file(kind=kind, out=out, extension=extension, mode=mode)
        files[kind] = out.getvalue()
    return files


def _import_all(files, extension):
    outcomes = {}
    for kind, data in files.items():
        outcome = records_import(kind=kind, dataset_or_file=data, file_name=f"{kind}{extension}", acting_user=None)
        assert outcome.problems == [], (kind, outcome.problems[:3])
        outcomes[kind] = (outcome.created, outcome.updated, outcome.unchanged)
    return outcomes


def _rows(data: bytes, extension: str) -> int:
    if extension == ".csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    else:
        rows = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)
    return sum(1 for _row in rows) - 1


def test_every_export_re_imports_unchanged_and_round_trips_byte_for_byte():
    empty = transaction.savepoint()
    every_kind_service()
    exported = {form: _export_all(*form) for form in FORMS}
    counts = {kind: _rows(data, ".csv") for kind, data in exported[(CODES, ".csv")].items()}
    assert [kind for kind in kinds() if not counts[kind]] == [], counts
    for (mode, extension), files in exported.items():
        assert _import_all(files, extension) == {kind: (0, 0, counts[kind]) for kind in kinds()}, (mode, extension)
        assert {kind: _rows(data, extension) for kind, data in files.items()} == counts
    for mode, extension in FORMS:
        transaction.savepoint_rollback(empty)
        empty = transaction.savepoint()
        assert not Officer.objects.exists()
        _import_all(exported[(mode, extension)], extension)
        assert _export_all(mode, extension) == exported[(mode, extension)], (mode, extension)
