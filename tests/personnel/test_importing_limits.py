"""Bounded imports: the file's size, rows, columns and cell length, and a
workbook's unpacked size, refused with a plain message before (or while)
the rows are read; nothing written. The rows stream in batches."""

import io
import struct
import tracemalloc
import zipfile

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core.importing import engine, files, records_import
from core.importing.admin import UploadCacheStorage
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    csv_bytes,
    english,
    headers_of,
    last_log,
    problems,
    snapshot,
    valid_rows,
    xlsx_bytes,
)
from training.models import TrainingRecord
from training.resources import TrainingRecordResource

pytestmark = pytest.mark.django_db
HEADERS = ["staff_no", "course", "start_date", "end_date", "days", "mode"]


def training_rows(officers, count):
    """``count`` valid training rows for the officer of 5101, one a week."""
    staff_no = officers["5101"].staff_no
    return [
        [
            staff_no,
            "廉政教育",
            f"2009-{1 + n // 4:02d}-{1 + 7 * (n % 4):02d}",
            f"2009-{1 + n // 4:02d}-{1 + 7 * (n % 4):02d}",
            "1",
            "online",
        ]
        for n in range(count)
    ]


def run(user, data, name="t.csv", **kwargs):
    return records_import(kind="training", dataset_or_file=data, file_name=name, acting_user=user, **kwargs)


class Unreadable:
    """An upload whose content must not be touched: only its size is known."""

    name = "big.csv"
    size = 2_000_000

    def read(self, *args):
        raise AssertionError("the file was read")

    chunks = seek = read


# ------------------------------------------------------------ file size
@override_settings(IMPORT_MAX_FILE_BYTES=1024 * 1024)
def test_it_refuses_a_file_over_the_size_limit_without_reading_it(alice, officers):
    before = snapshot()

    outcome = run(alice, Unreadable(), name="big.csv")

    assert problems(outcome) == [
        (1, "-", "The file is 1.9\xa0MB; at most 1.0\xa0MB are accepted. Split it into smaller files.")
    ]
    assert snapshot() == before
    assert (last_log().succeeded, last_log().error_count) == (False, 1)


@override_settings(IMPORT_MAX_FILE_BYTES=300)
def test_it_refuses_a_file_one_byte_over_the_size_limit(alice, officers):
    data = csv_bytes(HEADERS, training_rows(officers, 8))
    assert len(data) > 301

    assert problems(run(alice, data[:301])) == [
        (1, "-", "The file is 301\xa0bytes; at most 300\xa0bytes are accepted. Split it into smaller files.")
    ]
    # At the limit the file is read: its last row, cut short, is refused on its own.
    assert all(problem[0] > 1 for problem in problems(run(alice, data[:300])))


# ------------------------------------------------------------------ rows
@override_settings(IMPORT_MAX_ROWS=3)
def test_it_refuses_a_file_over_the_row_limit_and_writes_nothing(monkeypatch, alice, officers):
    # One row a batch: the first rows are written before the fourth is read,
    # and rolled back with the rest.
    monkeypatch.setattr(engine, "STREAM_ROWS", 1)
    before = snapshot()

    outcome = run(alice, csv_bytes(HEADERS, training_rows(officers, 4)))

    assert problems(outcome) == [(1, "-", "The file has more than 3 data rows; split it into smaller files.")]
    assert (outcome.created, outcome.rows) == (0, 0)
    assert snapshot() == before


@override_settings(IMPORT_MAX_ROWS=3)
def test_it_imports_a_file_at_the_row_limit_in_batches(monkeypatch, alice, officers):
    monkeypatch.setattr(engine, "STREAM_ROWS", 2)

    outcome = run(alice, csv_bytes(HEADERS, training_rows(officers, 3)))

    assert (outcome.problems, outcome.rows, outcome.created) == ([], 3, 3)
    assert TrainingRecord.objects.filter(officer=officers["5101"]).count() == 3
    assert TrainingRecord.history.filter(history_user=alice).count() == 3


def test_it_reports_a_key_repeated_across_batches_and_writes_nothing(monkeypatch, alice, officers):
    monkeypatch.setattr(engine, "STREAM_ROWS", 1)
    rows = training_rows(officers, 3)
    rows.append(list(rows[0]))
    before = snapshot()

    outcome = run(alice, csv_bytes(HEADERS, rows))

    message = "The same record appears in rows 2, 5; list each record once."
    assert problems(outcome) == [(2, "staff_no+course+start_date", message), (5, "staff_no+course+start_date", message)]
    assert snapshot() == before


# ------------------------------------------------------- columns, cells
@override_settings(IMPORT_MAX_CELL_CHARS=10)
def test_it_refuses_a_cell_over_the_length_limit_naming_row_and_column(alice, officers):
    rows = training_rows(officers, 2)
    rows[1][1] = "廉" * 11
    before = snapshot()

    outcome = run(alice, csv_bytes(HEADERS, rows))

    assert problems(outcome) == [(3, "course", "This cell holds 11 characters; a cell may hold at most 10.")]
    assert snapshot() == before


@override_settings(IMPORT_MAX_COLUMNS=6)
def test_it_refuses_a_row_wider_than_the_column_limit(alice, officers):
    rows = training_rows(officers, 2)
    rows[0].append("")
    before = snapshot()

    outcome = run(alice, csv_bytes(HEADERS, rows))

    assert problems(outcome) == [(2, "-", "Row 2 has 7 columns; an import file may have at most 6.")]
    assert snapshot() == before


# ------------------------------------------------------------------ xlsx
def zip_bomb(inflated: int) -> bytes:
    """A workbook whose sheet is ``inflated`` bytes of zeros, deflated to a
    thousandth of that: a real zip bomb, built in 1 MB steps."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADERS, []))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for member in source.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                info = zipfile.ZipInfo(member.filename)
                info.compress_type = zipfile.ZIP_DEFLATED
                with bomb.open(info, "w") as sheet:
                    for _step in range(inflated // (1024 * 1024)):
                        sheet.write(bytes(1024 * 1024))
            else:
                bomb.writestr(member, source.read(member))
    return out.getvalue()


def declared_size(data: bytes, member: str, size: int) -> bytes:
    """``data`` with the uncompressed size the zip's directory declares for
    ``member`` set to ``size`` (the content itself is left as it is)."""
    data = bytearray(data)
    name = member.encode()
    entry = data.rindex(b"PK\x01\x02", 0, data.rindex(name))
    assert data[entry + 46 : entry + 46 + len(name)] == name
    struct.pack_into("<I", data, entry + 24, size)
    return bytes(data)


@override_settings(IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES=16 * 1024 * 1024)
def test_it_refuses_a_zip_bomb_without_inflating_it(monkeypatch, alice, officers):
    bomb = zip_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200_000
    opened = []
    monkeypatch.setattr(files.openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    before = snapshot()
    tracemalloc.start()

    outcome = run(alice, bomb, name="bomb.xlsx")

    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert problems(outcome) == [
        (
            1,
            "-",
            "The workbook would unpack to 64.0\xa0MB; at most 16.0\xa0MB are accepted. "
            "Save it as a smaller workbook or as CSV.",
        )
    ]
    assert opened == []
    assert peak < 4 * 1024 * 1024
    assert snapshot() == before


def test_it_refuses_a_sheet_declared_larger_than_the_limit_at_the_default_limits(alice, officers):
    data = declared_size(xlsx_bytes(HEADERS, training_rows(officers, 2)), "xl/worksheets/sheet1.xml", 0xFFFF0000)

    outcome = run(alice, data, name="t.xlsx")

    assert [p[:2] for p in problems(outcome)] == [(1, "-")]
    assert outcome.problems[0].message.startswith(
        "The workbook would unpack to 4.0\xa0GB; at most 1.0\xa0GB are accepted."
    )
    assert TrainingRecord.objects.count() == 0


def test_it_refuses_a_zip_of_too_many_parts_before_listing_them(alice, officers):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as many:
        for n in range(1001):
            many.writestr(f"xl/part{n}.xml", b"")

    outcome = run(alice, out.getvalue(), name="t.xlsx")

    assert problems(outcome) == [(1, "-", "The workbook has 1001 parts; a workbook may have at most 1000.")]


@override_settings(IMPORT_MAX_ROWS=2)
def test_it_refuses_a_worksheet_that_declares_too_many_rows(alice, officers):
    # openpyxl writes the sheet's dimension (A1:F4); it is read before the rows.
    outcome = run(alice, xlsx_bytes(HEADERS, training_rows(officers, 3)), name="t.xlsx")

    assert problems(outcome) == [
        (1, "-", "The worksheet declares 4 rows; an import file may have at most 2 data rows.")
    ]
    assert TrainingRecord.objects.count() == 0


@override_settings(IMPORT_MAX_ROWS=2)
def test_it_counts_the_rows_of_a_worksheet_that_declares_no_size(alice, officers):
    book = openpyxl.Workbook(write_only=True)  # writes no dimension
    sheet = book.create_sheet()
    for row in [HEADERS, *training_rows(officers, 3)]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)

    outcome = run(alice, out.getvalue(), name="t.xlsx")

    assert problems(outcome) == [(1, "-", "The file has more than 2 data rows; split it into smaller files.")]
    assert TrainingRecord.objects.count() == 0


@override_settings(IMPORT_MAX_COLUMNS=5)
def test_it_refuses_a_worksheet_that_declares_too_many_columns(alice, officers):
    outcome = run(alice, xlsx_bytes(HEADERS, training_rows(officers, 1)), name="t.xlsx")

    assert problems(outcome) == [(1, "-", "The worksheet declares 6 columns; an import file may have at most 5.")]


def test_it_still_imports_a_normal_workbook(alice, officers):
    outcome = run(alice, xlsx_bytes(HEADERS, training_rows(officers, 3)), name="t.xlsx")

    assert (outcome.problems, outcome.created) == ([], 3)
    assert sorted(TrainingRecord.objects.values_list("start_date", flat=True))[-1].isoformat() == "2009-01-15"


def test_it_reads_a_path_and_an_open_file_in_a_stream(tmp_path, alice, officers):
    path = tmp_path / "t.csv"
    path.write_bytes(csv_bytes(HEADERS, training_rows(officers, 2), bom=True))

    with open(path, "rb") as handle:
        checked = run(alice, handle, name="t.csv", dry_run=True)
        assert not handle.closed
    imported = run(alice, path, name="t.csv")

    assert (checked.problems, checked.created, imported.problems, imported.created) == ([], 2, [], 2)


# ----------------------------------------------------------------- admin
@override_settings(IMPORT_MAX_FILE_BYTES=1024)
def test_it_refuses_an_oversized_upload_in_the_admin_and_keeps_nothing(client, alice, officers):
    client.force_login(alice)
    data = csv_bytes(HEADERS, training_rows(officers, 40))
    assert len(data) > 2048
    before = snapshot()

    response = client.post(
        reverse("admin:training_trainingrecord_import"),
        {"import_file": SimpleUploadedFile("big.csv", data), "format": "0", "resource": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert [p.display() for p in response.context["problems"]] == [
        f"row 1, column -: The file is {len(data) / 1024:.1f}\xa0KB; at most 1.0\xa0KB are accepted. "
        "Split it into smaller files."
    ]
    assert snapshot() == before


def test_it_keeps_an_admin_upload_in_memory_not_in_a_temp_folder(client, alice, officers, settings, tmp_path):
    # Django would write an upload past 2.5 MB to FILE_UPLOAD_TEMP_DIR.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    client.force_login(alice)
    data = csv_bytes(HEADERS, training_rows(officers, 3))

    preview = client.post(
        reverse("admin:training_trainingrecord_import"),
        {"import_file": SimpleUploadedFile("t.csv", data), "format": "0", "resource": "0"},
    )

    assert preview.context["outcome"].created == 3
    assert list(tmp_path.iterdir()) == []
    saved = UploadCacheStorage(name=preview.context["confirm_form"].initial["import_file_name"]).read()
    assert (saved["name"], saved["data"]) == ("t.csv", data)


@override_settings(IMPORT_MAX_ROWS=1)
def test_it_bounds_a_dataset_handed_to_the_resource(alice, officers):
    dataset = tablib.Dataset(*training_rows(officers, 2), headers=HEADERS)

    result = TrainingRecordResource().import_data(dataset, user=alice, file_name="t.xlsx")

    assert [(row.number, row.error.message_dict) for row in result.invalid_rows] == [
        (1, {"-": ["The file has more than 1 data rows; split it into smaller files."]})
    ]
    assert TrainingRecord.objects.count() == 0


@override_settings(IMPORT_MAX_ROWS=2)
def test_it_tells_the_limit_in_chinese(alice, officers):
    with translation.override("zh-hans"):
        outcome = run(alice, csv_bytes(HEADERS, training_rows(officers, 3)))

    assert problems(outcome) == [(1, "-", "文件的数据行超过 2 行；请拆分为较小的文件。")]
