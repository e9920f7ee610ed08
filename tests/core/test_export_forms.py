"""The Chinese form of the exports, the import templates, and where people
get them: ``export_records`` and the admin's import and export pages."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.importing import get_resource_class, kinds, records_import
from core.importing.exporting import CHINESE, CODES
from core.importing.files import normalise_header
from core.importing.headers import choice_label, choice_labels, column_label, header_aliases
from core.importing.services import records_export_file
from core.importing.widgets import Boolean, Choice, Date
from core.importing.workbook_template import import_template
from personnel.models import Officer
from tests.personnel.test_import_commands import run
from training.models import TrainingRecord

from .records import every_kind_service

pytestmark = pytest.mark.django_db

TRAINING_ZH = ["关员工号", "课程", "开始日期", "结束日期", "天数", "培训方式"]


@pytest.mark.parametrize("kind", kinds())
def test_every_column_has_one_chinese_header_and_every_choice_one_label_the_importer_reads(kind):
    resource = get_resource_class(kind)
    labels = [column_label(resource, column) for column in resource.columns()]
    assert len(set(labels)) == len(labels)
    names = header_aliases(resource)
    assert [names[normalise_header(label)] for label in labels] == list(resource._meta.fields)
    for column in resource.columns():
        if isinstance(column.widget, Choice):
            labelled = choice_labels(column.widget)
            assert list(labelled) == column.widget.codes
            assert {code: column.widget.clean(f" {label} ") for code, label in labelled.items()} == {
                code: code for code in labelled
            }
            # A word the kind declares never means another code than the label does.
            for word, code in column.widget.aliases.items():
                assert labelled.get(word, code) == code or word not in labelled.values()


def test_its_rule_joins_a_reference_with_the_field_it_names_the_record_by():
    training = get_resource_class("training")
    units = get_resource_class("units")
    audits = get_resource_class("audit_findings")
    assert [column_label(training, c) for c in training.columns()] == TRAINING_ZH
    assert column_label(units, units.column("parent_code")) == "上级单位编码"
    assert column_label(audits, audits.column("audit_no")) == "审计编号"
    assert choice_label(training.column("mode").widget, "in_service") == "在职培训"


@pytest.fixture
def training(officers):
    return TrainingRecord.objects.create(
        officer=officers["5100"],
        course="=廉政教育",
        start_date=dt.date(2009, 6, 1),
        end_date=dt.date(2009, 6, 2),
        days=Decimal("1.5"),
        mode=TrainingRecord.Mode.IN_SERVICE,
    )


def _csv(mode):
    out = io.BytesIO()
    records_export_file(kind="training", out=out, extension=".csv", mode=mode)
    return out.getvalue()


def _sheet(mode):
    out = io.BytesIO()
    records_export_file(kind="training", out=out, extension=".xlsx", mode=mode)
    return [list(row) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]


def test_it_exports_chinese_headers_and_labels_with_a_bom_and_typed_cells(training):
    staff = training.officer.staff_no
    assert _csv(CHINESE).decode("utf-8") == (
        f"\ufeff{','.join(TRAINING_ZH)}\r\n{staff},'=廉政教育,2009-06-01,2009-06-02,1.5,在职培训\r\n"
    )
    assert _csv(CODES).decode("utf-8").splitlines()[1:] == [f"{staff},'=廉政教育,2009-06-01,2009-06-02,1.5,in_service"]
    assert _sheet(CHINESE) == [
        TRAINING_ZH,
        [staff, "'=廉政教育", dt.datetime(2009, 6, 1), dt.datetime(2009, 6, 2), 1.5, "在职培训"],
    ]
    assert _sheet(CODES)[1] == [staff, "'=廉政教育", "2009-06-01", "2009-06-02", "1.5", "in_service"]


def test_it_writes_yes_no_and_empty_cells_in_either_form(officers):
    Officer.objects.filter(pk=officers["5100"].pk).update(is_leader=True, position="")
    out = io.BytesIO()
    records_export_file(kind="officers", out=out, extension=".csv", mode=CHINESE)
    header, *rows = out.getvalue().decode("utf-8-sig").splitlines()
    assert header.split(",")[6:9] == ["领导干部", "职务", "入职日期"]
    row = next(r for r in rows if r.startswith(officers["5100"].staff_no)).split(",")
    assert (row[2], row[5], row[6], row[7], row[9]) == ("男", "科级", "是", "", "")


# --------------------------------------------------------------- templates
@pytest.mark.parametrize("kind", kinds())
def test_every_kind_has_a_template_with_lists_dates_an_example_and_a_guide(kind):
    resource = get_resource_class(kind)
    book = import_template(kind)
    data, guide, lists = book.worksheets
    columns = resource.columns()
    assert [c.value for c in data[1]] == [column_label(resource, c) for c in columns]
    assert all(c.value not in (None, "") for c in data[2])
    assert lists.sheet_state == "hidden"
    validated = {str(v.sqref): v for v in data.data_validations.dataValidation}
    for index, column in enumerate(columns, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        widget = column.widget
        if isinstance(widget, (Choice, Boolean)):
            rule = validated.pop(f"{letter}2:{letter}1048576")
            values = choice_labels(widget).values() if isinstance(widget, Choice) else ["是", "否"]
            assert rule.type == "list" and [lists[f"{letter}{n}"].value for n in range(2, len(values) + 2)] == list(
                values
            )
            assert data.cell(row=2, column=index).value in values
        if isinstance(widget, Date) and column.column_name != "month":
            assert data.column_dimensions[letter].number_format == "yyyy-mm-dd"
            assert data.cell(row=2, column=index).number_format == "yyyy-mm-dd"
    assert validated == {}
    rows = [list(row) for row in guide.iter_rows(values_only=True)]
    assert rows[0] == ["列", "是否必填", "内容", "允许的值"]
    assert [(r[0], r[1]) for r in rows[1 : len(columns) + 1]] == [
        (column_label(resource, c), "必填" if resource.is_required(c) else "选填") for c in columns
    ]


def _filled(kind, row) -> bytes:
    book = import_template(kind)
    for index, value in enumerate(row, start=1):
        # Every cell of the example replaced, the empty ones too.
        book.worksheets[0].cell(row=2, column=index).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_imports_a_template_filled_with_one_row_as_a_person_types_it(alice, officers):
    staff = officers["5101"].staff_no
    data = _filled("training", [staff, "廉政教育", dt.datetime(2009, 6, 1), "2009-06-02", 1.5, "在职培训"])

    outcome = records_import(kind="training", dataset_or_file=data, file_name="模板.xlsx", acting_user=alice)

    assert (outcome.problems, outcome.created) == ([], 1)
    record = TrainingRecord.objects.get()
    assert (record.officer, record.course, record.start_date, record.days, record.mode) == (
        officers["5101"],
        "廉政教育",
        dt.date(2009, 6, 1),
        Decimal("1.5"),
        "in_service",
    )


def test_every_kinds_template_reads_a_row_of_its_chinese_export():
    every_kind_service()
    for kind in kinds():
        out = io.BytesIO()
        records_export_file(kind=kind, out=out, extension=".xlsx", mode=CHINESE)
        first = next(openpyxl.load_workbook(out).active.iter_rows(min_row=2, max_row=2, values_only=True))
        outcome = records_import(kind=kind, dataset_or_file=_filled(kind, first), file_name="t.xlsx", acting_user=None)
        assert (kind, outcome.problems, outcome.unchanged) == (kind, [], 1)


# ----------------------------------------------------------------- command
def test_it_exports_codes_by_default_and_chinese_on_request(tmp_path, training):
    codes, zh = tmp_path / "codes.csv", tmp_path / "zh.csv"
    assert run("export_records", "training", str(codes))[:2] == (0, f"exported 1 training rows to {codes}\n")
    assert run("export_records", "training", str(zh), "--headers", "zh")[0] == 0
    assert codes.read_bytes().decode("utf-8-sig").splitlines()[0] == "staff_no,course,start_date,end_date,days,mode"
    assert zh.read_bytes().decode("utf-8-sig").splitlines()[0] == ",".join(TRAINING_ZH)


def test_it_writes_a_template_from_the_command_line(tmp_path, db):
    path = tmp_path / "training.xlsx"
    assert run("export_records", "training", "--template", str(path)) == (
        0,
        f"wrote the training import template to {path}\n",
        "",
    )
    assert [c.value for c in openpyxl.load_workbook(path).worksheets[0][1]] == TRAINING_ZH
    code, _out, err = run("export_records", "training", "--template", str(tmp_path / "t.csv"))
    assert (code, err) == (1, f"{tmp_path / 't.csv'}: a template is an .xlsx workbook; the file name must end in .xlsx")
    code, _out, err = run("export_records", "training", str(tmp_path / "x.csv"), "--template", str(path))
    assert (code, err) == (1, "--template writes a blank template: give no FILE and no --unit with it")
    assert run("export_records", "training")[0] == 1


# ------------------------------------------------------------------- admin
IMPORT = reverse("admin:training_trainingrecord_import")
TEMPLATE = reverse("admin:training_trainingrecord_import_template")
EXPORT = reverse("admin:training_trainingrecord_export")


def test_it_offers_alice_the_template_on_her_import_page(client, alice):
    client.force_login(alice)
    assert TEMPLATE in client.get(IMPORT).text
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="training-template.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book.worksheets[0][1]] == TRAINING_ZH


def test_it_refuses_the_template_to_bob_who_may_not_import_training(client, bob):
    client.force_login(bob)
    assert client.get(TEMPLATE).status_code == 403


def test_it_exports_alices_list_as_a_chinese_workbook_by_default_in_the_chinese_interface(client, alice, officers):
    for code in ("5100", "0200"):
        TrainingRecord.objects.create(
            officer=officers[code],
            course="廉政教育",
            start_date=dt.date(2009, 6, 1),
            end_date=dt.date(2009, 6, 1),
            days=1,
            mode=TrainingRecord.Mode.ONLINE,
        )
    client.force_login(alice)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    form = client.get(EXPORT).context["form"]
    assert (form["format"].value(), form["headers"].value()) == ("0", "zh")
    fields = {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}

    response = client.post(EXPORT, {"format": "0", "headers": "zh", "resource": "0", **fields})

    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows == [
        tuple(TRAINING_ZH),
        (officers["5100"].staff_no, "廉政教育", dt.datetime(2009, 6, 1), dt.datetime(2009, 6, 1), 1, "网络培训"),
    ]
