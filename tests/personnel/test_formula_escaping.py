"""Exports neutralise formulas the OWASP way and the importer undoes exactly
that, so export -> re-import reports every row unchanged."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importing.exporting import resource_sheet, write_csv, write_xlsx
from core.importing.formats import formula_escape, formula_unescape
from core.importing.widgets import Count, Reference, Text
from integrity.models import CaseOfficer
from personnel.models import Officer
from tests.integrity.factories import case_naming
from tests.personnel.import_support import english, headers_of  # noqa: F401 (english is autouse)
from tests.personnel.test_import_commands import run
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

#: value -> how it is written in an exported cell
TRICKY = {
    "+cmd": "'+cmd",
    "@SUM(1+1)": "'@SUM(1+1)",
    "-2+3": "'-2+3",
}
MORE = {
    '=HYPERLINK("http://x")': '\'=HYPERLINK("http://x")',
    "\tx": "'\tx",
    "\rx": "'\rx",
    "'quoted": "''quoted",
    "''twice": "'''twice",
    "plain 科员": "plain 科员",
    "a-b+c": "a-b+c",
}


@pytest.mark.parametrize("value,cell", list({**TRICKY, **MORE}.items()))
def test_it_escapes_a_text_cell_and_reads_back_exactly_the_value(value, cell):
    assert formula_escape(value) == cell
    assert Text().render(value) == cell
    assert formula_unescape(cell) == value
    assert Text().clean(cell) == value


def test_it_reads_a_hand_typed_leading_quote_as_a_text_mark_and_leaves_numbers_alone():
    assert Text().clean(" '=1+1 ") == "=1+1"
    assert Text().clean("'") is None
    assert Text().clean(1001.0) == "1001"
    assert Count().render(2) == "2"
    assert Reference(Officer, "staff_no").render(Officer(staff_no="-7")) == "'-7"


def test_its_writers_neutralise_what_other_widgets_left_and_nothing_twice():
    class Values:
        """A resource of the admin's default kind: no text widgets of ours."""

        def get_export_headers(self, fields=None):
            return ["a", "b", "c", "d", "e"]

        def export_resource(self, obj, fields=None):
            return obj

    rows = RecordsOf([["=1+1", "'+cmd", "plain", 5, None]])
    out = io.BytesIO()
    write_csv(resource_sheet(Values(), rows), out)
    assert list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")))) == [
        ["a", "b", "c", "d", "e"],
        ["'=1+1", "'+cmd", "plain", "5", ""],
    ]
    out = io.BytesIO()
    write_xlsx(resource_sheet(Values(), rows), out)
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[2]] == ["'=1+1", "'+cmd", "plain", 5, None]
    assert sheet["A2"].data_type == "s"  # text, not a formula


class RecordsOf(list):
    """Rows standing in for a queryset's records."""

    model = Officer

    def iterator(self, chunk_size):
        return iter(self)


@pytest.fixture
def tricky(officers):
    """The three values in an officer's position, a course title and a
    case's sanction, in alice's units (HR 5100) and bob's (supervision 9100)."""
    rows = list(zip(("5100", "5101", "5102"), TRICKY, strict=True))
    for code, value in rows:
        Officer.objects.filter(pk=officers[code].pk).update(position=value)
        TrainingRecord.objects.create(
            officer=officers[code],
            course=value,
            start_date=dt.date(2009, 3, 2),
            end_date=dt.date(2009, 3, 3),
            days=2,
            mode=TrainingRecord.Mode.FULL_TIME,
        )
        case = case_naming(officers[code], case_no=f"AJ-{code}")
        CaseOfficer.objects.filter(case=case).update(sanction=value)
    return rows


def _cells(path):
    if path.suffix == ".csv":
        return [cell for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))) for cell in row]
    return [c.value for row in openpyxl.load_workbook(path).active.iter_rows() for c in row]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["officers", "training", "cases"])
def test_it_round_trips_formula_like_text_through_the_commands(tmp_path, tricky, kind, suffix):
    path = tmp_path / f"{kind}.{suffix}"
    assert run("export_records", kind, str(path), "--unit", "5100")[0] == 0
    cells = _cells(path)
    for value, cell in TRICKY.items():
        assert cell in cells and value not in cells

    code, out, err = run("import_records", kind, str(path))

    assert (code, out) == (0, "created 0, updated 0, unchanged 3\n"), err
    assert sorted(
        Officer.objects.filter(unit__code__in=["5100", "5101", "5102"]).values_list("position", flat=True)
    ) == sorted(TRICKY)
    assert sorted(TrainingRecord.objects.values_list("course", flat=True)) == sorted(TRICKY)
    assert sorted(CaseOfficer.objects.values_list("sanction", flat=True)) == sorted(TRICKY)


# The admin offers the workbook first for export, CSV first for import.
EXPORT_FORMAT = {"export.csv": "1", "export.xlsx": "0"}
IMPORT_FORMAT = {"export.csv": "0", "export.xlsx": "1"}


def _admin_round_trip(client, app_model, resource, headers, name, mode):
    export = client.post(
        reverse(f"admin:{app_model}_export"),
        {"format": EXPORT_FORMAT[name], "headers": mode, "resource": "0", **{f"{resource}_{h}": "on" for h in headers}},
    )
    assert export.status_code == 200
    data = b"".join(export.streaming_content)
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig")
        for cell in TRICKY.values():
            assert f"\n{cell}," in text or f",{cell}," in text or f",{cell}\r" in text
    else:
        values = [c.value for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]
        assert set(TRICKY.values()) <= set(values)
    preview = client.post(
        reverse(f"admin:{app_model}_import"),
        {"import_file": SimpleUploadedFile(name, data), "format": IMPORT_FORMAT[name], "resource": "0"},
    )
    assert f"{name}: 3 rows checked. Confirming will create 0, update 0 and leave 3 unchanged." in preview.text
    initial = preview.context["confirm_form"].initial
    done = client.post(
        reverse(f"admin:{app_model}_process_import"),
        {key: initial[key] for key in ("import_file_name", "original_file_name", "format", "resource")},
        follow=True,
    )
    assert f"Imported {name}: 0 created, 0 updated, 3 unchanged." in done.text


@pytest.mark.parametrize("mode", ["codes", "zh"])
@pytest.mark.parametrize("name", ["export.csv", "export.xlsx"])
def test_it_round_trips_formula_like_text_through_the_admin(client, alice, bob, tricky, name, mode):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(alice)
    _admin_round_trip(client, "personnel_officer", "officerresource", headers_of("officers"), name, mode)
    _admin_round_trip(client, "training_trainingrecord", "trainingrecordresource", headers_of("training"), name, mode)
    client.force_login(bob)
    _admin_round_trip(
        client,
        "integrity_case",
        "caseresource",
        ["case_no", "staff_no", "opened_date", "category", "status", "sanction"],
        name,
        mode,
    )
    assert sorted(CaseOfficer.objects.values_list("sanction", flat=True)) == sorted(TRICKY)
