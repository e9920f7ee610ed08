"""``import_records`` and ``export_records`` as shared/spec/commands.md fixes them."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import ImportLog
from personnel.models import Officer
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    csv_bytes,
    english,
    headers_of,
    snapshot,
    valid_rows,
)

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def officers_csv(tmp_path, officers):
    path = tmp_path / "officers.csv"
    path.write_bytes(csv_bytes(headers_of("officers"), valid_rows("officers", officers), bom=True))
    return path


def test_it_imports_and_prints_the_counts(officers_csv, alice):
    code, out, err = run("import_records", "officers", str(officers_csv), "--user", "alice")

    assert (code, out) == (0, "created 2, updated 0, unchanged 0\n")
    assert "rows read" in err  # progress goes to stderr only
    assert Officer.history.get(staff_no="T0001").history_user == alice

    code, out, _err = run("import_records", "officers", str(officers_csv), "--user", "alice")
    assert (code, out) == (0, "created 0, updated 0, unchanged 2\n")


def test_it_prints_every_problem_and_exits_1(tmp_path, officers, charlie):
    rows = valid_rows("officers", officers)
    rows[0]["birth_date"] = "1980-13-01"
    path = tmp_path / "officers.csv"
    path.write_bytes(csv_bytes(headers_of("officers"), rows))
    before = snapshot()

    code, out, err = run("import_records", "officers", str(path), "--user", "charlie")

    assert code == 1
    assert out.splitlines() == [
        "row 2, column birth_date: 1980-13-01 is not a real date.",
        "row 2, column unit_code: “5101” is unknown or outside your grants.",
        "row 3, column unit_code: “5102” is unknown or outside your grants.",
    ]
    assert err.endswith("3 problem(s) found; nothing was imported.")
    assert snapshot() == before
    assert ImportLog.objects.get().error_count == 3


def test_it_checks_without_writing_on_a_dry_run(officers_csv):
    before = snapshot()

    code, out, _err = run("import_records", "officers", str(officers_csv), "--dry-run")

    assert (code, out) == (0, "dry run, nothing written: created 2, updated 0, unchanged 0\n")
    assert snapshot() == before
    assert ImportLog.objects.get().dry_run is True


def test_it_reports_a_missing_file_as_a_problem(tmp_path, tree):
    code, out, _err = run("import_records", "units", str(tmp_path / "nowhere.csv"))

    assert code == 1
    assert out == "row 1, column -: The file cannot be opened: No such file or directory.\n"
    assert ImportLog.objects.get().succeeded is False


def test_it_refuses_an_unknown_user_or_kind(officers_csv):
    assert run("import_records", "officers", str(officers_csv), "--user", "nobody")[0] == 1
    assert run("import_records", "salaries", str(officers_csv))[0] == 1
    assert ImportLog.objects.count() == 0


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_it_exports_a_file_that_imports_unchanged(tmp_path, officers, tree, suffix):
    path = tmp_path / f"officers.{suffix}"

    code, out, _err = run("export_records", "officers", str(path), "--unit", "5100")

    assert (code, out) == (0, f"exported 3 officers rows to {path}\n")
    if suffix == "csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbfstaff_no,name,gender,birth_date,unit_code")
    else:
        sheet = openpyxl.load_workbook(path).active
        assert [c.value for c in sheet[1]] == headers_of("officers")
        assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == sorted(
            officers[c].staff_no for c in ("5100", "5101", "5102")
        )
    assert run("import_records", "officers", str(path))[:2] == (0, "created 0, updated 0, unchanged 3\n")


def test_it_refuses_an_unknown_unit_or_format_on_export(tmp_path, tree):
    code, _out, err = run("export_records", "units", str(tmp_path / "u.csv"), "--unit", "9999")
    assert (code, err.splitlines()[-1]) == (1, "unknown unit: 9999")
    assert run("export_records", "units", str(tmp_path / "u.json"))[0] == 1
    assert not (tmp_path / "u.csv").exists()
