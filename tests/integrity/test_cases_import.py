"""The ``cases`` kind (data-formats.md): one row per officer involved, with
that officer's own category, status and sanction; the case's own columns
(number, opening date, unit, summary) repeated on each of its rows."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from guardian.shortcuts import assign_perm

from core.importing import records_export, records_import
from core.models import ImportLog
from integrity.models import AccessLog, Case, CaseOfficer

from .factories import case_naming

pytestmark = pytest.mark.django_db

HEADER = "案件编号,工号,立案日期,案件类别,案件状态,处分\n"
FULL_HEADER = "案件编号,工号,立案日期,案件类别,案件状态,处分,立案单位编码,简要案情\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _import(text, user=None, name="cases.csv"):
    return records_import(kind="cases", dataset_or_file=text.encode("utf-8-sig"), file_name=name, acting_user=user)


def _good(officers):
    a, b, c = (officers[code].staff_no for code in ("5100", "5101", "5200"))
    return (
        HEADER
        + f"AJ1,{a},2009-03-01,违纪,open,\n"
        + f"AJ1,{b},2009-03-01,discipline,open,警告\n"
        + f"AJ2,{c},2009-05-10,crime,investigating,\n"
    )


def _state():
    cases = list(Case.objects.order_by("case_no").values_list("case_no", "opened_date", "unit__code", "summary"))
    links = list(
        CaseOfficer.objects.order_by("case__case_no", "officer__staff_no").values_list(
            "case__case_no", "officer__staff_no", "category", "status", "sanction"
        )
    )
    return cases, links


def test_it_imports_cases_and_their_officers_then_changes_nothing_the_second_time(officers, bob):
    outcome = _import(_good(officers), bob)

    # 2 cases + 3 officer links.
    assert (outcome.succeeded, outcome.rows, outcome.created, outcome.updated) == (True, 3, 5, 0)
    cases, links = _state()
    assert cases == [("AJ1", dt.date(2009, 3, 1), None, ""), ("AJ2", dt.date(2009, 5, 10), None, "")]
    a, b, c = (officers[code].staff_no for code in ("5100", "5101", "5200"))
    assert sorted(links) == sorted(
        [
            ("AJ1", a, "discipline", "open", ""),
            ("AJ1", b, "discipline", "open", "警告"),
            ("AJ2", c, "crime", "investigating", ""),
        ]
    )
    assert Case.history.get(case_no="AJ1").history_user == bob
    assert CaseOfficer.history.filter(history_user=bob).count() == 3
    assert ImportLog.objects.filter(kind="cases", user=bob, succeeded=True, created=5).count() == 1

    again = _import(_good(officers), bob)
    assert (again.succeeded, again.created, again.updated, again.unchanged) == (True, 0, 0, 3)
    assert Case.history.count() == 2 and CaseOfficer.history.count() == 3


def test_it_updates_a_case_and_an_officers_outcome_from_a_later_file(officers, bob):
    _import(_good(officers), bob)
    text = _good(officers).replace(
        "AJ2,{},2009-05-10,crime,investigating,".format(officers["5200"].staff_no),
        "AJ2,{},2009-05-11,crime,concluded,开除".format(officers["5200"].staff_no),
    )
    outcome = _import(text, bob)
    # The case AJ2 (its opening date) and its one link (status, sanction).
    assert (outcome.succeeded, outcome.created, outcome.updated, outcome.unchanged) == (True, 0, 2, 2)
    assert Case.objects.get(case_no="AJ2").opened_date == dt.date(2009, 5, 11)
    link = CaseOfficer.objects.get(case__case_no="AJ2")
    assert (link.status, link.sanction) == ("concluded", "开除")
    assert Case.history.filter(case_no="AJ2").count() == 2


def test_it_lists_every_problem_of_a_bad_file_and_writes_nothing(officers, bob):
    a, b, c = (officers[code].staff_no for code in ("5100", "5101", "5200"))
    text = (
        HEADER
        + "AJ1,X9999,2009-03-01,discipline,open,\n"  # row 2: unknown staff_no
        + f"AJ2,{a},2009-02-30,discipline,open,\n"  # row 3: impossible date
        + f"AJ3,{a},2009-03-01,theft,open,\n"  # row 4: unknown category
        + f"AJ4,{a},2009-03-01,discipline,open,\n"  # rows 5, 6: the opening date disagrees
        + f"AJ4,{b},2009-03-02,crime,closed,\n"
        + f"AJ5,{c},2009-04-01,crime,open,\n"  # rows 7, 8: the same record twice
        + f"AJ5,{c},2009-04-01,crime,open,\n"
    )
    outcome = _import(text, bob)

    assert not outcome.succeeded
    found = sorted((p.row, p.column) for p in outcome.problems)
    assert found == [
        (2, "工号"),
        (3, "立案日期"),
        (4, "案件类别"),
        (5, "立案日期"),
        (6, "立案日期"),
        (7, "案件编号+工号"),
        (8, "案件编号+工号"),
    ]
    messages = {(p.row, p.column): p.message for p in outcome.problems}
    assert messages[(2, "工号")] == "“X9999” is unknown or outside your grants."
    assert messages[(5, "立案日期")] == "Rows 5, 6 of discipline case “AJ4” give it different values here; it has one."
    assert (Case.objects.count(), CaseOfficer.objects.count()) == (0, 0)
    assert Case.history.count() == 0
    log = ImportLog.objects.get(kind="cases")
    assert (log.succeeded, log.error_count, log.created) == (False, 7, 0)


def test_it_refuses_an_officer_outside_the_users_grants(officers, bob):
    # bob supervises 9100 (5100 and 5200), not Tianjin.
    outside = officers["0200"].staff_no
    text = (
        HEADER
        + f"AJ1,{officers['5100'].staff_no},2009-03-01,discipline,open,\nAJ1,{outside},2009-03-01,discipline,open,\n"
    )
    outcome = _import(text, bob)
    assert [str(p) for p in outcome.problems] == [f"row 3, column 工号: “{outside}” is unknown or outside your grants."]
    assert (Case.objects.count(), CaseOfficer.objects.count()) == (0, 0)


def test_it_never_touches_a_case_outside_the_users_grants_that_holds_the_same_number(officers, bob):
    # Case numbers are matched among the cases bob can see only
    # (docs/security.md): Tianjin's TJ1 is not one of them, so bob's TJ1 is
    # a new case of his own, as it would be if Tianjin had no TJ1.
    tianjin = case_naming(officers["0200"], case_no="TJ1")
    text = HEADER + f"TJ1,{officers['5100'].staff_no},2009-03-01,discipline,closed,\n"
    outcome = _import(text, bob)
    assert (outcome.succeeded, outcome.created, outcome.updated) == (True, 2, 0)
    tianjin.refresh_from_db()
    assert list(tianjin.involved.values_list("officer__staff_no", "status")) == [(officers["0200"].staff_no, "open")]
    mine = Case.objects.visible_to(bob).get(case_no="TJ1")
    assert list(mine.involved.values_list("officer__staff_no", "status")) == [(officers["5100"].staff_no, "closed")]
    # The second time: bob's own TJ1 is matched, nothing changes.
    again = _import(text, bob)
    assert (again.succeeded, again.created, again.updated, again.unchanged) == (True, 0, 0, 1)


def test_it_round_trips_the_export_and_logs_it_with_the_user(officers, bob):
    _import(_good(officers), bob)
    before = _state()
    exported = records_export(kind="cases", acting_user=bob)

    assert exported.headers == [
        "case_no",
        "staff_no",
        "opened_date",
        "category",
        "status",
        "sanction",
        "unit_code",
        "summary",
    ]
    assert len(exported) == 3
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.user == bob
    assert sorted(int(pk) for pk in log.object_ids.split(",")) == sorted(Case.objects.values_list("pk", flat=True))

    again = records_import(
        kind="cases", dataset_or_file=exported.export("csv").encode(), file_name="again.csv", acting_user=bob
    )
    assert (again.succeeded, again.created, again.updated, again.unchanged) == (True, 0, 0, 3)
    assert _state() == before


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


def test_it_imports_cases_from_the_command_with_exit_codes(tmp_path, officers, bob):
    good = tmp_path / "cases.csv"
    good.write_bytes(_good(officers).encode("utf-8-sig"))
    assert _run("import_records", "cases", str(good), "--user", "bob")[:2] == (0, "created 5, updated 0, unchanged 0\n")
    assert _run("import_records", "cases", str(good))[:2] == (0, "created 0, updated 0, unchanged 3\n")

    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + f"AJ9,{officers['5100'].staff_no},2009-13-01,discipline,open,\n").encode("utf-8-sig"))
    code, out, error = _run("import_records", "cases", str(bad), "--user", "bob")
    assert code == 1
    assert "row 2, column 立案日期" in out + error
    assert not Case.objects.filter(case_no="AJ9").exists()


def _three(officers):
    """One case naming three officers whose outcomes differ: one sent to
    the judiciary, one sanctioned, one still under investigation."""
    a, b, c = (officers[code].staff_no for code in ("5100", "5101", "5102"))
    common = "2009-06-01,{},{},{},5100,收受管理相对人财物"
    return (
        FULL_HEADER
        + f"AJ3,{a},{common.format('犯罪', '审结', '移送司法机关')}\n"
        + f"AJ3,{b},{common.format('违纪', 'closed', '记过')}\n"
        + f"AJ3,{c},{common.format('violation', '调查中', '')}\n"
    )


def test_it_imports_exports_and_reimports_a_case_whose_officers_differ_unchanged(officers, bob):
    outcome = _import(_three(officers), bob)

    # 1 case + 3 officer links.
    assert (outcome.succeeded, outcome.created, outcome.updated, outcome.unchanged) == (True, 4, 0, 0)
    a, b, c = (officers[code].staff_no for code in ("5100", "5101", "5102"))
    stored = _state()
    assert stored == (
        [("AJ3", dt.date(2009, 6, 1), "5100", "收受管理相对人财物")],
        [
            ("AJ3", a, "crime", "concluded", "移送司法机关"),
            ("AJ3", b, "discipline", "closed", "记过"),
            ("AJ3", c, "violation", "investigating", ""),
        ],
    )

    exported = records_export(kind="cases", acting_user=bob)
    assert [list(row) for row in exported] == [
        ["AJ3", a, "2009-06-01", "crime", "concluded", "移送司法机关", "5100", "收受管理相对人财物"],
        ["AJ3", b, "2009-06-01", "discipline", "closed", "记过", "5100", "收受管理相对人财物"],
        ["AJ3", c, "2009-06-01", "violation", "investigating", "", "5100", "收受管理相对人财物"],
    ]
    for file_format, name in (("csv", "again.csv"), ("xlsx", "again.xlsx")):
        data = exported.export(file_format)
        again = records_import(
            kind="cases",
            dataset_or_file=data.encode() if isinstance(data, str) else data,
            file_name=name,
            acting_user=bob,
        )
        assert (again.succeeded, again.created, again.updated, again.unchanged) == (True, 0, 0, 3)
        assert _state() == stored
    assert (Case.history.count(), CaseOfficer.history.count()) == (1, 3)


def test_it_refuses_rows_of_one_case_that_disagree_on_its_unit_or_summary(officers, bob):
    text = _three(officers).replace(",5100,收受管理相对人财物\nAJ3", ",5101,收受管理相对人财物\nAJ3", 1)
    text = text.replace("violation,调查中,,5100,收受管理相对人财物", "violation,调查中,,5100,另案")
    outcome = _import(text, bob)
    assert sorted((p.row, p.column, p.message) for p in outcome.problems) == [
        (2, "立案单位编码", "Rows 2, 3, 4 of discipline case “AJ3” give it different values here; it has one."),
        (2, "简要案情", "Rows 2, 3, 4 of discipline case “AJ3” give it different values here; it has one."),
        (3, "立案单位编码", "Rows 2, 3, 4 of discipline case “AJ3” give it different values here; it has one."),
        (3, "简要案情", "Rows 2, 3, 4 of discipline case “AJ3” give it different values here; it has one."),
        (4, "立案单位编码", "Rows 2, 3, 4 of discipline case “AJ3” give it different values here; it has one."),
        (4, "简要案情", "Rows 2, 3, 4 of discipline case “AJ3” give it different values here; it has one."),
    ]
    assert (Case.objects.count(), CaseOfficer.objects.count()) == (0, 0)


def test_it_reads_a_case_unit_outside_the_users_grants_as_unknown(officers, bob):
    # bob supervises 9100 (Guangzhou and Shenzhen), not Tianjin's 0200;
    # "9999" exists nowhere. Both read alike.
    for code in ("0200", "9999"):
        text = _three(officers).replace(",5100,", f",{code},")
        outcome = _import(text, bob)
        unknown = f"“{code}” is unknown or outside your grants."
        assert [(p.row, p.column, p.message) for p in outcome.problems] == [
            (2, "立案单位编码", unknown),
            (3, "立案单位编码", unknown),
            (4, "立案单位编码", unknown),
        ]
    assert (Case.objects.count(), CaseOfficer.objects.count()) == (0, 0)


def test_it_refuses_a_case_number_two_visible_cases_share_and_names_them(officers, bob):
    case_naming(officers["5100"], case_no="DUP", opened_date=dt.date(2008, 1, 5))
    case_naming(officers["5200"], case_no="DUP", opened_date=dt.date(2009, 2, 6))
    text = HEADER + f"DUP,{officers['5101'].staff_no},2009-02-06,discipline,open,\n"
    outcome = _import(text, bob)
    assert [str(p) for p in outcome.problems] == [
        "row 2, column 案件编号: “DUP” is used by 2 records of the kind discipline case you can see "
        "(立案日期 2008-01-05; 立案日期 2009-02-06); give one of them another 案件编号 before importing rows for it."
    ]
    assert CaseOfficer.objects.count() == 2


def test_it_refuses_rows_for_a_case_the_user_sees_through_a_share_only(officers, bob):
    tianjin = case_naming(officers["0200"], case_no="TJ9")
    assign_perm("integrity.view_case", bob, tianjin)
    text = HEADER + f"TJ9,{officers['5100'].staff_no},2009-03-01,discipline,open,\n"
    outcome = _import(text, bob)
    assert [str(p) for p in outcome.problems] == [
        "row 2, column 案件编号: This discipline case is outside your grants; it cannot be changed here."
    ]
    assert list(tianjin.involved.values_list("officer__staff_no", flat=True)) == [officers["0200"].staff_no]


def test_it_says_in_chinese_which_rows_of_a_case_disagree(officers, bob):
    a, b = (officers[code].staff_no for code in ("5100", "5101"))
    text = HEADER + f"AJ8,{a},2009-03-01,违纪,立案,\nAJ8,{b},2009-03-02,犯罪,调查中,\n"
    with translation.override("zh-hans"):
        shown = [p.display() for p in _import(text, bob).problems]
    assert shown == [
        "第 2 行，列 立案日期：违纪违法案件“AJ8”的第 2, 3 行在此列的值不一致；它只有一个值。",
        "第 3 行，列 立案日期：违纪违法案件“AJ8”的第 2, 3 行在此列的值不一致；它只有一个值。",
    ]
