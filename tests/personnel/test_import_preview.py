"""The admin's import preview a person can check: rows to be created, each
changed field of an updated row (before -> after), paged; the problems as a
table; the uploaded file back with a problems column; and nothing of a
record outside the user's grants.

alice is HR at 5100 (writes 5100, 5101, 5102); charlie is HR at 0200.
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importing import admin as import_admin
from core.importing import records_import
from core.importing.preview import Change, Preview, PreviewRow
from personnel.models import Officer
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    csv_bytes,
    english,
    headers_of,
    valid_rows,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:personnel_officer_import")
PROBLEMS = reverse("admin:personnel_officer_import_problems")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def upload(client, name, data):
    return client.post(IMPORT, {"import_file": SimpleUploadedFile(name, data), "format": "0", "resource": "0"})


def _existing(officers, tree):
    """T0001 as alice's file will update it."""
    return Officer.objects.create(
        staff_no="T0001",
        name="张伟",
        gender="M",
        birth_date=dt.date(1980, 5, 1),
        unit=tree["5101"],
        rank_level="clerk",
        is_leader=False,
        position="科员",
        hire_date=dt.date(2002, 7, 1),
    )


def test_it_previews_new_rows_and_the_fields_an_update_changes(alice, officers, tree):
    _existing(officers, tree)

    outcome = records_import(
        kind="officers",
        dataset_or_file=csv_bytes(headers_of("officers"), valid_rows("officers", officers)),
        file_name="o.csv",
        acting_user=alice,
        dry_run=True,
        preview_rows=10,
    )

    assert outcome.succeeded and (outcome.created, outcome.updated) == (1, 1)
    update, create = outcome.preview.rows
    assert (update.row, update.action, update.key, update.before_hidden) == (2, "update", "T0001", False)
    assert update.changes == [
        Change("rank_level", "clerk level", "section level"),
        Change("is_leader", "no", "yes"),
        Change("position", "科员", "科长"),
    ]
    assert (create.row, create.action, create.key) == (3, "create", "T0002")
    assert create.changes == [
        Change("staff_no", "", "T0002"),
        Change("name", "", "李娜"),
        Change("gender", "", "female"),
        Change("birth_date", "", "1985-03-12"),
        Change("unit_code", "", "5102"),
        Change("rank_level", "", "clerk level"),
        Change("is_leader", "", "no"),
        Change("position", "", "科员"),
        Change("hire_date", "", "2008-08-01"),
    ]
    assert outcome.preview.more == 0


def test_it_keeps_the_preview_to_its_limit_and_counts_the_rest(alice, officers):
    rows = [dict(valid_rows("officers", officers)[0], staff_no=f"T{n:04d}") for n in range(5)]

    outcome = records_import(
        kind="officers",
        dataset_or_file=csv_bytes(headers_of("officers"), rows),
        file_name="o.csv",
        acting_user=alice,
        dry_run=True,
        preview_rows=3,
    )

    assert [row.key for row in outcome.preview.rows] == ["T0000", "T0001", "T0002"]
    assert outcome.preview.more == 2


def test_the_admin_shows_the_preview_paged_and_only_to_its_user(as_user, alice, charlie, officers, tree, monkeypatch):
    monkeypatch.setattr(import_admin, "PREVIEW_PAGE", 2)
    _existing(officers, tree)
    rows = valid_rows("officers", officers) + [
        dict(valid_rows("officers", officers)[1], staff_no=f"T{n:04d}") for n in (3, 4)
    ]
    client = as_user(alice)

    first = upload(client, "关员.csv", csv_bytes(headers_of("officers"), rows))

    assert first.status_code == 200
    assert "Confirming will create 3, update 1 and leave 0 unchanged." in first.text
    assert [row.key for row in first.context["preview_page"]] == ["T0001", "T0002"]
    assert "<li>rank_level: clerk level → section level</li>" in first.text
    assert "<li>position: 科员 → 科长</li>" in first.text
    assert "page 1 of 2" in first.text
    key = first.context["upload_key"]

    second = client.get(IMPORT, {"upload": key, "page": 2})

    assert second.status_code == 200
    assert [row.key for row in second.context["preview_page"]] == ["T0003", "T0004"]
    assert second.context["confirm_form"].initial["import_file_name"] == key
    assert "Confirming will create 3, update 1 and leave 0 unchanged." in second.text
    # Another user, or a key that is not one, gets the upload form again.
    other = as_user(charlie).get(IMPORT, {"upload": key, "page": 2})
    assert other.status_code == 302 and other.url == IMPORT
    assert "preview_page" not in (as_user(alice).get(IMPORT, {"upload": "nope"}, follow=True).context or {})


def test_the_notice_names_the_ignored_columns(as_user, alice, officers):
    headers = ["序号", *headers_of("officers"), "备注"]
    rows = [
        [n, *[row[h] for h in headers_of("officers")], ""] for n, row in enumerate(valid_rows("officers", officers))
    ]

    response = upload(as_user(alice), "o.csv", csv_bytes(headers, rows))

    assert "Ignored columns: 序号, 备注" in response.text


def _refused_officers(officers):
    rows = valid_rows("officers", officers)
    rows[0]["birth_date"] = "2025-02-30"
    rows[1]["unit_code"] = "9999"
    rows[1]["rank_level"] = "boss"
    return rows


def test_it_lists_the_problems_as_a_table_and_gives_the_csv_back_with_them(as_user, alice, officers):
    client = as_user(alice)
    rows = _refused_officers(officers)
    data = csv_bytes(headers_of("officers"), rows).decode().encode("gbk")

    response = upload(client, "关员.csv", data)

    assert "<td>2</td><td>birth_date</td><td>2025-02-30 is not a real date.</td>" in response.text
    assert "Download the file with its problems" in response.text
    download = client.get(PROBLEMS, {"upload": response.context["upload_key"]})

    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    assert "attachment" in download["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(download.content.decode("gbk"))))
    assert lines[0] == [*headers_of("officers"), "Problems"]
    assert lines[1] == [*[rows[0][h] for h in headers_of("officers")], "birth_date: 2025-02-30 is not a real date."]
    assert lines[2] == [
        *[rows[1][h] for h in headers_of("officers")],
        "rank_level: “boss” is not one of the allowed values: clerk, section, division, bureau.; "
        "unit_code: “9999” is unknown or outside your grants.",
    ]
    assert len(lines) == 3


def test_it_gives_an_xlsx_back_as_a_workbook_with_its_date_cells(as_user, alice, officers):
    client = as_user(alice)
    headers = [*headers_of("officers"), "序号"]
    rows = [[*[row[h] for h in headers_of("officers")], n] for n, row in enumerate(_refused_officers(officers))]
    rows[0][8] = dt.datetime(2002, 7, 1)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(headers, rows)))
    # A text cell that must come back as text, not as a formula.
    cell = book.worksheets[0].cell(row=3, column=1)
    cell.value, cell.data_type = "=cmd", "s"
    data = io.BytesIO()
    book.save(data)

    response = upload(client, "关员.xlsx", data.getvalue())
    download = client.get(PROBLEMS, {"upload": response.context["upload_key"]})

    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == [*headers, "Problems"]
    assert values[1][8] == dt.datetime(2002, 7, 1)
    assert values[1][-1] == "birth_date: 2025-02-30 is not a real date."
    assert sheet.cell(row=3, column=1).data_type == "s" and values[2][0] == "=cmd"
    assert values[2][-1] == (
        "rank_level: “boss” is not one of the allowed values: clerk, section, division, bureau.; "
        "unit_code: “9999” is unknown or outside your grants."
    )


def test_the_problems_download_is_its_uploaders_alone(as_user, alice, charlie, officers):
    response = upload(as_user(alice), "o.csv", csv_bytes(headers_of("officers"), _refused_officers(officers)))
    key = response.context["upload_key"]

    other = as_user(charlie).get(PROBLEMS, {"upload": key})

    assert other.status_code == 302 and other.url == IMPORT
    assert as_user(alice).get(PROBLEMS).status_code == 302


def test_the_preview_hides_records_outside_the_grants(as_user, alice, charlie, officers, tree):
    """A row whose key is charlie's officer is refused without a word of that
    officer's values, and an out-of-scope staff number reads like an unknown
    one; no preview is shown."""
    theirs = officers["0200"]
    theirs.position = "机要秘书"
    theirs.save()
    rows = valid_rows("officers", officers)
    rows[0]["staff_no"] = theirs.staff_no
    client = as_user(alice)

    response = upload(client, "o.csv", csv_bytes(headers_of("officers"), rows))

    assert "preview_page" not in response.context and "confirm_form" not in response.context
    assert theirs.name not in response.text and "机要秘书" not in response.text
    posting = ["staff_no", "unit_code", "position", "start_date"]
    known = records_import(
        kind="postings",
        dataset_or_file=csv_bytes(posting, [[theirs.staff_no, "5101", "x", "2020-01-01"]]),
        file_name="p.csv",
        acting_user=alice,
        preview_rows=10,
    )
    unknown = records_import(
        kind="postings",
        dataset_or_file=csv_bytes(posting, [["X9999", "5101", "x", "2020-01-01"]]),
        file_name="p.csv",
        acting_user=alice,
        preview_rows=10,
    )
    assert [p.message.replace(theirs.staff_no, "?") for p in known.problems] == [
        p.message.replace("X9999", "?") for p in unknown.problems
    ]
    assert known.preview is None and unknown.preview is None


def test_the_preview_drops_the_before_values_of_a_record_the_user_cannot_see(alice, officers):
    mine, theirs = officers["5101"], officers["0200"]
    preview = Preview(10)
    preview.model = Officer
    preview.rows = [
        PreviewRow(2, "update", mine.staff_no, [Change("position", "科员", "科长")], pk=mine.pk),
        PreviewRow(3, "update", theirs.staff_no, [Change("position", "机要秘书", "科长")], pk=theirs.pk),
    ]

    preview.finish(alice)

    assert [(r.before_hidden, r.changes, r.pk) for r in preview.rows] == [
        (False, [Change("position", "科员", "科长")], None),
        (True, [Change("position", "", "科长")], None),
    ]


def test_the_preview_speaks_chinese_by_default(client, alice, officers, tree, monkeypatch):
    monkeypatch.setattr(import_admin, "PREVIEW_ROWS", 1)
    _existing(officers, tree)
    client.force_login(alice)
    headers = ["工号", "姓名", "性别", "出生日期", "单位编码", "职级", "领导干部", "职务", "入职日期", "序号"]
    rows = [
        ["T0001", "张伟", "男", "1980/5/1", "5101", "科级", "是", "科长", "2002年7月1日", "1"],
        ["T0002", "李娜", "女", "1985/3/12", "5102", "科员及以下", "否", "科员", "2008/8/1", "2"],
    ]

    response = client.post(
        IMPORT,
        {"import_file": SimpleUploadedFile("关员.csv", csv_bytes(headers, rows)), "format": "0", "resource": "0"},
    )

    assert response["Content-Language"] == "zh-hans"
    assert "忽略的列：序号" in response.text
    assert "导入将作出的改动" in response.text
    assert "列出了前 1 行有改动的记录，另有 1 行未列出。" in response.text
    assert "<li>职级: 科员及以下 → 科级</li>" in response.text
    assert "<li>领导干部: 否 → 是</li>" in response.text
