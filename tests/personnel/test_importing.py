"""The import service: every bad-file class of data-formats.md for every
kind, all or nothing, idempotence, round trip, file formats, history, log.

alice is HR at 5100 (writes 5100, 5101, 5102); everything about 0200 and
9100 is outside her grants.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importing import get_resource_class, records_export, records_import
from core.importing.headers import header_labels
from core.models import ImportLog
from personnel.models import Officer, Posting
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    KINDS,
    MODELS,
    counts,
    csv_bytes,
    english,
    headers_of,
    import_rows,
    last_log,
    problems,
    snapshot,
    valid_rows,
    xlsx_bytes,
)
from training.models import PoliticalWork, TrainingRecord

pytestmark = pytest.mark.django_db

UNKNOWN = "“{}” is unknown or outside your grants."
MALFORMED = "“{}” is not a date written as YYYY-MM-DD."
AMBIGUOUS = "“{}” does not say which number is the year; write the year first, as YYYY-MM-DD."
IMPOSSIBLE = "{} is not a real date."
NEGATIVE = "{} is negative; it cannot be below 0."
DUPLICATE = "The same record appears in rows 2, 3; list each record once."
REFUSED = "This record is outside your grants; it cannot be changed here."
KEYS = {
    "units": "code",
    "officers": "staff_no",
    "postings": "staff_no+unit_code+position+start_date",
    "reserve_cadres": "staff_no+level+added_date",
    "leader_appraisals": "year+staff_no",
    "training": "staff_no+course+start_date",
    "political_work": "unit_code+date+title",
}


def choice(value, allowed):
    return f"“{value}” is not one of the allowed values: {allowed}."


def missing(*names):
    return f"This required column is missing (header: {', '.join(names)})."


# (kind, case, column changed in row 3, new value, expected problems as
# (row, column, message)); "{out}" is the staff number of 0200's officer.
CELL_CASES = [
    ("units", "unknown parent", "parent_code", "9999", [(3, "parent_code", UNKNOWN.format("9999"))]),
    ("units", "parent out of scope", "parent_code", "0200", [(3, "parent_code", UNKNOWN.format("0200"))]),
    ("units", "record out of scope", "code", "0200", [(3, "code", REFUSED)]),
    (
        "units",
        "unknown choice",
        "kind",
        "bureau",
        [(3, "kind", choice("bureau", "hq, supervisory_office, direct, subordinate, department, college"))],
    ),
    (
        "units",
        "not a supervisory office",
        "supervisory_office",
        "5101",
        [(3, "supervisory_office", "Only a directly-affiliated customs is overseen by a supervisory office.")],
    ),
    ("officers", "unknown unit", "unit_code", "9999", [(3, "unit_code", UNKNOWN.format("9999"))]),
    ("officers", "unit out of scope", "unit_code", "0200", [(3, "unit_code", UNKNOWN.format("0200"))]),
    ("officers", "record out of scope", "staff_no", "{out}", [(3, "staff_no", REFUSED)]),
    ("officers", "ambiguous date", "birth_date", "12/03/1985", [(3, "birth_date", AMBIGUOUS.format("12/03/1985"))]),
    ("officers", "impossible date", "hire_date", "2009-02-30", [(3, "hire_date", IMPOSSIBLE.format("2009-02-30"))]),
    (
        "officers",
        "left before hired",
        "leave_date",
        "2001-01-01",
        [(3, "leave_date", "The leave date cannot be before the hire date.")],
    ),
    (
        "officers",
        "unknown choice",
        "rank_level",
        "boss",
        [(3, "rank_level", choice("boss", "clerk, section, division, bureau"))],
    ),
    (
        "officers",
        "not a yes/no",
        "is_leader",
        "maybe",
        [(3, "is_leader", "“maybe” is not a yes/no value; use true/false, 1/0, yes/no or 是/否.")],
    ),
    ("officers", "empty required cell", "name", "", [(3, "name", "A value is required.")]),
    ("postings", "unknown staff number", "staff_no", "X9999", [(3, "staff_no", UNKNOWN.format("X9999"))]),
    ("postings", "officer out of scope", "staff_no", "{out}", [(3, "staff_no", UNKNOWN.format("{out}"))]),
    ("postings", "unknown unit", "unit_code", "9999", [(3, "unit_code", UNKNOWN.format("9999"))]),
    ("postings", "unit out of scope", "unit_code", "0200", [(3, "unit_code", UNKNOWN.format("0200"))]),
    ("postings", "malformed date", "start_date", "2006-3-1-1", [(3, "start_date", MALFORMED.format("2006-3-1-1"))]),
    ("postings", "impossible date", "end_date", "2008-02-30", [(3, "end_date", IMPOSSIBLE.format("2008-02-30"))]),
    (
        "postings",
        "ends before it starts",
        "end_date",
        "2006-02-28",
        [(3, "end_date", "The end date cannot be before the start date.")],
    ),
    ("postings", "unknown choice", "post_risk", "extreme", [(3, "post_risk", choice("extreme", "high, medium, low"))]),
    ("reserve_cadres", "unknown staff number", "staff_no", "X9999", [(3, "staff_no", UNKNOWN.format("X9999"))]),
    ("reserve_cadres", "officer out of scope", "staff_no", "{out}", [(3, "staff_no", UNKNOWN.format("{out}"))]),
    (
        "reserve_cadres",
        "malformed date",
        "added_date",
        "30.06.2009",
        [(3, "added_date", AMBIGUOUS.format("30.06.2009"))],
    ),
    (
        "reserve_cadres",
        "impossible date",
        "removed_date",
        "2011-06-31",
        [(3, "removed_date", IMPOSSIBLE.format("2011-06-31"))],
    ),
    (
        "reserve_cadres",
        "removed before added",
        "removed_date",
        "2009-01-01",
        [(3, "removed_date", "The removal date cannot be before the date added.")],
    ),
    ("reserve_cadres", "unknown choice", "level", "section", [(3, "level", choice("section", "bureau, division"))]),
    ("leader_appraisals", "unknown staff number", "staff_no", "X9999", [(3, "staff_no", UNKNOWN.format("X9999"))]),
    ("leader_appraisals", "officer out of scope", "staff_no", "{out}", [(3, "staff_no", UNKNOWN.format("{out}"))]),
    ("leader_appraisals", "negative year", "year", "-2009", [(3, "year", NEGATIVE.format("-2009"))]),
    (
        "leader_appraisals",
        "impossible year",
        "year",
        "1800",
        [(3, "year", "Ensure this value is greater than or equal to 1949.")],
    ),
    ("leader_appraisals", "negative score", "score", "-1", [(3, "score", NEGATIVE.format("-1"))]),
    (
        "leader_appraisals",
        "impossible score",
        "score",
        "101",
        [(3, "score", "Ensure this value is less than or equal to 100.")],
    ),
    (
        "leader_appraisals",
        "unknown choice",
        "grade",
        "good",
        [(3, "grade", choice("good", "excellent, competent, basically_competent, incompetent"))],
    ),
    ("training", "unknown staff number", "staff_no", "X9999", [(3, "staff_no", UNKNOWN.format("X9999"))]),
    ("training", "officer out of scope", "staff_no", "{out}", [(3, "staff_no", UNKNOWN.format("{out}"))]),
    ("training", "malformed date", "start_date", "2009-04", [(3, "start_date", MALFORMED.format("2009-04"))]),
    ("training", "impossible date", "end_date", "2009-04-31", [(3, "end_date", IMPOSSIBLE.format("2009-04-31"))]),
    ("training", "negative days", "days", "-1", [(3, "days", NEGATIVE.format("-1"))]),
    ("training", "zero days", "days", "0", [(3, "days", "Days must be greater than 0.")]),
    (
        "training",
        "more days than the span",
        "days",
        "31",
        [(3, "days", "31 days is more than the 30 days from start to end.")],
    ),
    (
        "training",
        "unknown choice",
        "mode",
        "correspondence",
        [(3, "mode", choice("correspondence", "full_time, in_service, online"))],
    ),
    ("political_work", "unknown unit", "unit_code", "9999", [(3, "unit_code", UNKNOWN.format("9999"))]),
    ("political_work", "unit out of scope", "unit_code", "9100", [(3, "unit_code", UNKNOWN.format("9100"))]),
    ("political_work", "malformed date", "date", "2009071", [(3, "date", MALFORMED.format("2009071"))]),
    ("political_work", "impossible date", "date", "2009-07-32", [(3, "date", IMPOSSIBLE.format("2009-07-32"))]),
    ("political_work", "negative count", "participants", "-3", [(3, "participants", NEGATIVE.format("-3"))]),
    (
        "political_work",
        "fractional count",
        "participants",
        "3.5",
        [(3, "participants", "“3.5” is not a whole number.")],
    ),
]


@pytest.mark.parametrize("kind,case,column,value,expected", CELL_CASES, ids=[f"{c[0]}: {c[1]}" for c in CELL_CASES])
def test_it_refuses_a_bad_row_and_writes_nothing(alice, officers, kind, case, column, value, expected):
    out = officers["0200"].staff_no
    rows = valid_rows(kind, officers)
    rows[1][column] = value.format(out=out)
    before = snapshot()

    outcome = import_rows(kind, alice, headers_of(kind), rows)

    assert problems(outcome) == [(r, c, m.format(out=out)) for r, c, m in expected]
    assert snapshot() == before
    assert counts(outcome) == (0, 0, 0)
    log = last_log()
    assert (log.kind, log.user, log.succeeded, log.error_count) == (kind, alice, False, len(expected))


@pytest.mark.parametrize("kind", KINDS)
def test_it_reports_every_row_of_a_key_repeated_in_the_file(alice, officers, kind):
    rows = valid_rows(kind, officers)
    rows[1] = dict(rows[0])
    before = snapshot()

    outcome = import_rows(kind, alice, headers_of(kind), rows)

    assert problems(outcome) == [(2, KEYS[kind], DUPLICATE), (3, KEYS[kind], DUPLICATE)]
    assert snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
def test_it_reports_every_missing_required_column(alice, officers, kind):
    resource = get_resource_class(kind)
    required = [c for c in resource.columns() if resource.is_required(c)]
    headers = [h for h in headers_of(kind) if h not in {c.column_name for c in required}]
    before = snapshot()

    outcome = import_rows(kind, alice, headers, valid_rows(kind, officers))

    labels = header_labels(resource)
    assert problems(outcome) == [
        (1, c.column_name, missing(*dict.fromkeys((c.column_name, labels[c.column_name], *c.aliases))))
        for c in required
    ]
    assert snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "name,data,message",
    [
        ("records.xlsx", b"not a workbook at all", "The file is not a readable .xlsx workbook."),
        (
            # UTF-16 without its BOM: NUL characters in any other reading.
            "records.csv",
            "工号,姓名\n".encode("utf-16-le"),
            "The file is not UTF-8 text. Save it from Excel as “CSV UTF-8 (comma delimited)”.",
        ),
        (
            # Neither UTF-8 nor GB18030: 0xFF never follows a GB18030 lead byte.
            "records.csv",
            b"staff_no\n\x81\xff\n",
            "The file is not UTF-8 text. Save it from Excel as “CSV UTF-8 (comma delimited)”.",
        ),
        ("records.csv", b"", "The file is empty; a header row is expected."),
        ("records.txt", b"staff_no\nS1\n", "“records.txt” is neither a .csv nor an .xlsx file."),
    ],
)
def test_it_reports_an_unreadable_file(alice, tree, kind, name, data, message):
    before = snapshot()

    outcome = records_import(kind=kind, dataset_or_file=data, file_name=name, acting_user=alice)

    assert problems(outcome) == [(1, "-", message)]
    assert snapshot() == before
    assert (last_log().file_name, last_log().errors) == (name, f"row 1, column -: {message}")


def test_it_reports_every_problem_of_a_file_at_once(alice, officers):
    rows = valid_rows("officers", officers) + [
        {
            "staff_no": "T0003",
            "name": "",
            "gender": "X",
            "birth_date": "1990-02-29",
            "unit_code": "0200",
            "rank_level": "clerk",
            "is_leader": "",
            "position": "",
            "hire_date": "2012-01-01",
            "leave_date": "2011-12-31",
        },
    ]
    rows[0]["hire_date"] = "1979-01-01"

    # A column the kind does not know is left out and named in a notice.
    outcome = import_rows("officers", alice, headers_of("officers") + ["工资"], rows)

    assert outcome.ignored_columns == ["工资"]
    assert outcome.notice == "Ignored columns: 工资"
    assert problems(outcome) == [
        (2, "hire_date", "The hire date must be after the birth date."),
        (4, "name", "A value is required."),
        (4, "gender", choice("X", "M, F")),
        (4, "birth_date", IMPOSSIBLE.format("1990-02-29")),
        (4, "unit_code", UNKNOWN.format("0200")),
        (4, "leave_date", "The leave date cannot be before the hire date."),
    ]
    assert Officer.objects.count() == 6


@pytest.mark.parametrize("kind", KINDS)
def test_it_imports_then_changes_nothing_on_the_same_file_again(alice, officers, kind):
    model = MODELS[kind]
    before = model.objects.count()

    first = import_rows(kind, alice, headers_of(kind), valid_rows(kind, officers))
    second = import_rows(kind, alice, headers_of(kind), valid_rows(kind, officers))

    assert problems(first) == [] and counts(first) == (2, 0, 0)
    assert problems(second) == [] and counts(second) == (0, 0, 2)
    assert model.objects.count() == before + 2
    assert model.history.filter(history_type="~").count() == 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_it_reimports_its_own_export_unchanged(alice, officers, kind, file_format):
    import_rows(kind, alice, headers_of(kind), valid_rows(kind, officers))
    exported = records_export(kind=kind, acting_user=alice)
    visible = MODELS[kind].objects.visible_to(alice).count()
    before = snapshot()

    data = exported.export(file_format)
    outcome = records_import(
        kind=kind,
        dataset_or_file=data.encode() if isinstance(data, str) else data,
        file_name=f"export.{file_format}",
        acting_user=alice,
    )

    assert exported.headers == headers_of(kind)
    assert len(exported) == visible
    assert problems(outcome) == [] and counts(outcome) == (0, 0, visible)
    assert snapshot() == before


def test_it_exports_codes_iso_dates_booleans_and_empty_for_null(alice, officers):
    import_rows("officers", alice, headers_of("officers"), valid_rows("officers", officers))

    exported = records_export(kind="officers", acting_user=alice)

    row = dict(zip(exported.headers, exported[[r[0] for r in exported].index("T0001")], strict=True))
    assert row == {
        "staff_no": "T0001",
        "name": "张伟",
        "gender": "M",
        "birth_date": "1980-05-01",
        "unit_code": "5101",
        "rank_level": "section",
        "is_leader": "true",
        "position": "科长",
        "hire_date": "2002-07-01",
        "leave_date": "",
    }


def test_it_exports_only_what_the_user_sees_within_a_unit(alice, charlie, officers, tree):
    assert sorted(r[0] for r in records_export(kind="officers", acting_user=alice)) == sorted(
        officers[c].staff_no for c in ("5100", "5101", "5102")
    )
    assert [r[0] for r in records_export(kind="officers", acting_user=charlie)] == [officers["0200"].staff_no]
    assert sorted(r[0] for r in records_export(kind="officers", acting_user=None, unit=tree["5101"])) == sorted(
        officers[c].staff_no for c in ("5101", "5102")
    )
    assert len(records_export(kind="officers", acting_user=None)) == 6


def test_it_reads_a_csv_with_bom_and_chinese_headers(alice, officers):
    chinese = ["工号", "姓名", "性别", "出生日期", "单位编码", "职级", "领导职务", "职务", "入职日期", "离职日期"]
    rows = [[r[h] for h in headers_of("officers")] for r in valid_rows("officers", officers)]
    rows[0][2], rows[1][2] = "男", "女"
    rows[1][6] = "否"

    outcome = records_import(
        kind="officers",
        dataset_or_file=csv_bytes([f" {h} " for h in chinese], rows, bom=True),
        file_name="关员.csv",
        acting_user=alice,
    )

    assert problems(outcome) == [] and counts(outcome) == (2, 0, 0)
    assert list(Officer.objects.filter(staff_no__in=["T0001", "T0002"]).values_list("gender", "is_leader")) == [
        ("M", True),
        ("F", False),
    ]


def test_it_reads_an_xlsx_with_date_number_and_boolean_cells(alice, officers):
    s1 = officers["5101"].staff_no
    rows = [
        [s1, "岗位培训", dt.datetime(2009, 5, 4), dt.date(2009, 5, 8), 4.5, "in_service"],
        [s1, "网络学院", dt.date(2009, 6, 1), dt.date(2009, 6, 30), 12, "网络"],
    ]

    outcome = records_import(
        kind="training",
        dataset_or_file=xlsx_bytes(headers_of("training"), rows),
        file_name="training.xlsx",
        acting_user=alice,
    )

    assert problems(outcome) == [] and counts(outcome) == (2, 0, 0)
    assert list(TrainingRecord.objects.order_by("start_date").values_list("start_date", "days", "mode")) == [
        (dt.date(2009, 5, 4), Decimal("4.5"), "in_service"),
        (dt.date(2009, 6, 1), Decimal("12.0"), "online"),
    ]


def test_it_reads_staff_numbers_typed_as_numbers_in_xlsx(alice, tree):
    rows = [[1001, "王强", "M", dt.date(1980, 1, 1), 5101, "clerk", True, None, dt.date(2003, 7, 1), None]]

    outcome = records_import(
        kind="officers", dataset_or_file=xlsx_bytes(headers_of("officers"), rows), file_name="o.xlsx", acting_user=alice
    )

    assert problems(outcome) == []
    assert Officer.objects.filter(staff_no="1001", unit__code="5101", is_leader=True, position="").count() == 1


def test_it_skips_blank_rows_but_keeps_spreadsheet_row_numbers(alice, officers):
    rows = valid_rows("officers", officers)
    rows[1]["birth_date"] = "bad"
    rows.insert(1, {})

    outcome = import_rows("officers", alice, headers_of("officers"), rows)

    assert problems(outcome) == [(4, "birth_date", MALFORMED.format("bad"))]
    assert outcome.rows == 2


def test_it_refuses_cells_outside_the_header_and_data_under_no_header(alice, officers):
    headers = headers_of("officers") + [""]
    rows = [[r[h] for h in headers_of("officers")] + ["?"] for r in valid_rows("officers", officers)]
    rows[1].append("extra")

    outcome = import_rows("officers", alice, headers, rows)

    assert problems(outcome) == [(1, "K", "This column holds data but has no header.")]
    outcome = import_rows("officers", alice, headers_of("officers"), [r[:10] + r[11:] for r in rows])
    assert problems(outcome) == [(3, "K", "This cell lies outside the columns with a header.")]


def test_it_updates_changed_rows_and_keeps_history_with_the_user(alice, officers):
    rows = valid_rows("officers", officers)
    import_rows("officers", alice, headers_of("officers"), rows)
    rows[0]["position"] = "副处长"
    rows[0]["rank_level"] = "division"

    outcome = import_rows("officers", alice, headers_of("officers"), rows)

    assert counts(outcome) == (0, 1, 1)
    officer = Officer.objects.get(staff_no="T0001")
    assert (officer.position, officer.rank_level) == ("副处长", "division")
    assert list(officer.history.order_by("history_date").values_list("history_type", "history_user", "position")) == [
        ("+", alice.pk, "科长"),
        ("~", alice.pk, "副处长"),
    ]


def test_it_leaves_columns_absent_from_the_file_untouched(alice, officers):
    officer = officers["5101"]
    officer.position = "科长"
    officer.save()

    outcome = import_rows(
        "officers",
        alice,
        ["staff_no", "name", "gender", "birth_date", "unit_code", "rank_level", "hire_date"],
        [
            {
                "staff_no": officer.staff_no,
                "name": "新名字",
                "gender": "M",
                "birth_date": "1975-06-01",
                "unit_code": "5101",
                "rank_level": "section",
                "hire_date": "2000-07-01",
            }
        ],
    )

    assert counts(outcome) == (0, 1, 0)
    officer.refresh_from_db()
    assert (officer.name, officer.position) == ("新名字", "科长")


def test_it_refuses_moving_an_officer_out_of_scope_but_keeps_a_current_unit(alice, officers, tree):
    posting = Posting.objects.create(
        officer=officers["5101"], unit=tree["0200"], position="借调", start_date=dt.date(2001, 1, 1)
    )
    exported = records_export(kind="postings", acting_user=alice)
    assert [r[1] for r in exported] == ["0200"]

    outcome = records_import(
        kind="postings", dataset_or_file=exported.export("csv").encode(), file_name="p.csv", acting_user=alice
    )
    assert problems(outcome) == [] and counts(outcome) == (0, 0, 1)

    rows = [
        {
            "staff_no": officers["5101"].staff_no,
            "name": "x",
            "gender": "M",
            "birth_date": "1975-06-01",
            "unit_code": "0200",
            "rank_level": "section",
            "hire_date": "2000-07-01",
        }
    ]
    outcome = import_rows("officers", alice, list(rows[0]), rows)
    assert problems(outcome) == [(2, "unit_code", UNKNOWN.format("0200"))]
    assert Officer.objects.get(pk=officers["5101"].pk).unit == tree["5101"]
    posting.refresh_from_db()
    assert posting.unit == tree["0200"]


def test_it_refuses_a_career_record_of_an_officer_outside_the_grants(alice, officers):
    out = officers["0200"]
    Posting.objects.create(officer=out, unit=out.unit, position="关员", start_date=dt.date(2001, 1, 1))
    rows = [
        {
            "staff_no": out.staff_no,
            "unit_code": "0200",
            "position": "关员",
            "start_date": "2001-01-01",
            "end_date": "2002-01-01",
        }
    ]

    outcome = import_rows("postings", alice, list(rows[0]), rows)

    # The codes outside the grants, and nothing about the record they would
    # match: the same answer as when no such posting exists.
    expected = [(2, "staff_no", UNKNOWN.format(out.staff_no)), (2, "unit_code", UNKNOWN.format("0200"))]
    assert problems(outcome) == expected
    assert Posting.objects.get().end_date is None
    Posting.objects.all().delete()
    assert problems(import_rows("postings", alice, list(rows[0]), rows)) == expected


def test_it_checks_and_counts_on_a_dry_run_but_writes_nothing(alice, officers):
    before = snapshot()

    outcome = import_rows(
        "political_work", alice, headers_of("political_work"), valid_rows("political_work", officers), dry_run=True
    )

    assert problems(outcome) == [] and counts(outcome) == (2, 0, 0)
    assert snapshot() == before
    log = last_log()
    assert (log.dry_run, log.succeeded, log.created, log.user) == (True, True, 2, alice)


def test_it_logs_every_run(alice, officers):
    import_rows("training", alice, headers_of("training"), valid_rows("training", officers), name="一月.csv")
    bad = valid_rows("training", officers)
    bad[0]["days"] = "x"
    import_rows("training", alice, headers_of("training"), bad, name="二月.csv")

    logs = list(
        ImportLog.objects.order_by("pk").values_list(
            "user__username",
            "kind",
            "file_name",
            "dry_run",
            "succeeded",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
        )
    )
    assert logs == [
        ("alice", "training", "一月.csv", False, True, 2, 0, 0, 0, ""),
        ("alice", "training", "二月.csv", False, False, 0, 0, 0, 1, "row 2, column days: “x” is not a number."),
    ]


def test_it_gives_full_access_and_no_history_user_without_a_user(officers):
    rows = valid_rows("officers", officers)
    rows[1]["unit_code"] = "0200"

    outcome = import_rows("officers", None, headers_of("officers"), rows)

    assert counts(outcome) == (2, 0, 0)
    assert Officer.history.get(staff_no="T0002").history_user is None
    assert last_log().user is None


def test_it_gives_nothing_to_a_user_without_grants(officers):
    from tests.factories import UserFactory

    outcome = import_rows(
        "political_work", UserFactory(), headers_of("political_work"), valid_rows("political_work", officers)
    )

    assert problems(outcome) == [(2, "unit_code", UNKNOWN.format("5101")), (3, "unit_code", UNKNOWN.format("5102"))]
    assert PoliticalWork.objects.count() == 0


@pytest.mark.parametrize("kind", ["officers", "training"])
def test_it_loads_references_and_keys_in_a_fixed_number_of_queries(alice, officers, kind):
    def rows_for(n):
        base = valid_rows(kind, officers)[0]
        rows = []
        for i in range(n):
            row = dict(base)
            if kind == "officers":
                row["staff_no"] = f"Q{i:04d}"
            else:
                row["course"] = f"课程{i}"
            rows.append(row)
        return rows

    def queries(n):
        # Reading, checking and preparing the rows; the bulk INSERT
        # statements grow with the rows by design (one per batch).
        with CaptureQueriesContext(connection) as captured:
            outcome = import_rows(kind, alice, headers_of(kind), rows_for(n), dry_run=True)
        assert counts(outcome) == (n, 0, 0)
        return [
            q["sql"]
            for q in captured.captured_queries
            if not re.match(r'\s*INSERT INTO "\w+_historical', q["sql"])
            and not re.match(r'\s*INSERT INTO "(personnel_officer|training_trainingrecord)"', q["sql"])
        ]

    assert len(queries(3)) == len(queries(60))


def test_it_reads_chinese_headers_and_whole_numbers_from_xlsx(alice, tree):
    rows = [{"unit_code": "5101", "date": "2009-01-05", "title": "学习会", "participants": 10.0}]

    outcome = records_import(
        kind="political_work",
        dataset_or_file=xlsx_bytes(["单位编码", "日期", "主题", "参加人数"], [list(rows[0].values())]),
        file_name="pw.xlsx",
        acting_user=alice,
    )

    assert problems(outcome) == []
    assert list(PoliticalWork.objects.values_list("unit__code", "title", "participants")) == [("5101", "学习会", 10)]


def test_it_goes_through_the_service_from_import_exports_resource_api(alice, officers):
    import tablib

    resource = get_resource_class("officers")()
    rows = valid_rows("officers", officers)
    rows[1]["unit_code"] = "0200"
    dataset = tablib.Dataset(headers=headers_of("officers"))
    for row in rows:
        dataset.append([row[h] for h in headers_of("officers")])

    result = resource.import_data(dataset, dry_run=False, user=alice, file_name="api.csv")

    assert result.has_validation_errors()
    assert [(r.number, r.error_dict) for r in result.invalid_rows] == [(3, {"unit_code": [UNKNOWN.format("0200")]})]
    assert Officer.objects.filter(staff_no__startswith="T").count() == 0
    assert last_log().file_name == "api.csv"


def test_it_turns_a_constraint_the_checks_missed_into_a_problem(monkeypatch, tree):
    from org.resources import UnitResource
    from tests.factories import UserFactory

    # Switch off the row check for a second hq: the database constraint is
    # the backstop, and its refusal is a problem like any other.
    monkeypatch.setattr(UnitResource, "check_rows", lambda self, context, entries: [])
    before = snapshot()

    outcome = import_rows(
        "units",
        UserFactory(is_superuser=True),
        ["code", "name", "kind"],
        [{"code": "0001", "name": "第二总署", "kind": "hq"}],
    )

    assert [(p.row, p.column) for p in outcome.problems] == [(1, "-")]
    assert outcome.problems[0].message.startswith("The database refused the rows: ")
    assert snapshot() == before
    assert last_log().succeeded is False


def test_it_logs_an_import_that_crashes(monkeypatch, alice, officers):
    from core.importing.engine import Importer

    def crash(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Importer, "write", crash)

    with pytest.raises(RuntimeError):
        import_rows("officers", alice, headers_of("officers"), valid_rows("officers", officers))

    assert Officer.objects.filter(staff_no__startswith="T").count() == 0
    log = last_log()
    assert (log.succeeded, log.errors) == (
        False,
        "row 1, column -: The import stopped on an unexpected error: disk on fire",
    )


def test_it_logs_the_first_thousand_problems_and_counts_all(alice, tree):
    rows = [{"unit_code": "9999", "date": "2009-01-01", "title": f"第{n}次", "participants": "1"} for n in range(1001)]

    outcome = import_rows("political_work", alice, headers_of("political_work"), rows)

    log = last_log()
    assert len(outcome.problems) == log.error_count == 1001
    lines = log.errors.splitlines()
    assert (len(lines), lines[0], lines[-1]) == (
        1001,
        "row 2, column unit_code: “9999” is unknown or outside your grants.",
        "… and 1 more",
    )


def test_it_matches_an_empty_key_part_to_a_null_field(alice, officers, tree):
    from core.importing import Column, RecordResource
    from core.importing.engine import Importer
    from core.importing.files import Table
    from core.importing.widgets import Date, Reference, Text

    class OpenPostings(RecordResource):
        # A key with an optional part, as kinds with a "team" row have.
        record_kind = "open_postings_test"
        staff_no = Column(Reference(Officer, "staff_no"), attribute="officer")
        end_date = Column(Date())
        position = Column(Text())

        class Meta:
            model = Posting
            import_id_fields = ("staff_no", "end_date")

    s1 = officers["5101"].staff_no
    open_post = Posting.objects.create(
        officer=officers["5101"], unit=tree["5101"], position="科员", start_date=dt.date(2001, 1, 1)
    )
    Posting.objects.create(
        officer=officers["5101"],
        unit=tree["5101"],
        position="科长",
        start_date=dt.date(2000, 1, 1),
        end_date=dt.date(2000, 12, 31),
    )
    importer = Importer(OpenPostings(), alice)

    importer.check(Table(["staff_no", "end_date", "position"], [[s1, "", "科员"], [s1, "2000-12-31", "副科长"]]))

    assert importer.problems == []
    assert [(e.existing.pk if e.existing else None, e.changed) for e in importer.entries] == [
        (open_post.pk, False),
        (Posting.objects.get(position="科长").pk, True),
    ]
