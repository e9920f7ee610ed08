"""The four supervision indicators, counted by hand (indicators.md)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from core import indicators as engine
from integrity.models import IntegrityAppraisal
from personnel.models import Officer
from tests.factories import OfficerFactory

from .factories import (
    CaseFactory,
    CaseOfficerFactory,
    InspectionFactory,
    IntegrityAppraisalFactory,
    SurveyFactory,
    case_naming,
)

pytestmark = pytest.mark.django_db
KEYS = ["integrity_appraisal_pass_rate", "case_involvement_rate", "satisfaction_rate", "inspection_pass_rate"]
FAIL = IntegrityAppraisal.Result.FAIL


@pytest.fixture
def records(tree, officers):
    # Integrity appraisals: 5100 (direct) team pass, member pass, member fail;
    # 5200 team pass. Not counted: a subordinate customs, another year.
    IntegrityAppraisalFactory(unit=tree["5100"])
    IntegrityAppraisalFactory(unit=tree["5100"], officer=officers["5100"])
    IntegrityAppraisalFactory(unit=tree["5100"], officer=officers["5101"], result=FAIL)
    IntegrityAppraisalFactory(unit=tree["5200"])
    IntegrityAppraisalFactory(unit=tree["5101"], result=FAIL)
    IntegrityAppraisalFactory(unit=tree["5200"], year=2008, result=FAIL)

    # Cases. 深圳: the fixture's 2 officers + 248 more = 250 employed in
    # 2009, one named in 2009: exactly 0.4%. 广州: 3 employed, 2 named (one
    # of them in two cases). Not counted: a case of 2008; an officer who left
    # in 2008 is not in the denominator.
    Officer.objects.bulk_create(
        [
            Officer(
                staff_no=f"SZ{i:04d}",
                name=f"关员{i}",
                gender="M",
                birth_date=dt.date(1980, 1, 1),
                unit=tree["5201"],
                rank_level="clerk",
                hire_date=dt.date(2005, 1, 1),
            )
            for i in range(248)
        ]
    )
    OfficerFactory(unit=tree["5200"], leave_date=dt.date(2008, 12, 31))
    case_naming(officers["5201"], opened_date=dt.date(2009, 12, 31))
    case_naming(officers["5200"], opened_date=dt.date(2008, 12, 31))
    case_naming(officers["5100"], officers["5101"], opened_date=dt.date(2009, 1, 1))
    case_naming(officers["5100"], opened_date=dt.date(2009, 6, 1))

    # Surveys of 2009: 5100 90/100, 5101 80/100, 5200 95/100; 2008 ignored.
    SurveyFactory(unit=tree["5100"], respondents=100, satisfied=90)
    SurveyFactory(unit=tree["5101"], respondents=100, satisfied=80)
    SurveyFactory(unit=tree["5200"], respondents=100, satisfied=95)
    SurveyFactory(unit=tree["5100"], year=2008, respondents=100, satisfied=0)

    # Inspections dated in 2009: 3 of 4 passed; 2010-01-01 ignored.
    InspectionFactory(unit=tree["5100"], date=dt.date(2009, 5, 1))
    InspectionFactory(unit=tree["5101"], date=dt.date(2009, 12, 31))
    InspectionFactory(unit=tree["5102"], date=dt.date(2009, 1, 1), passed=False)
    InspectionFactory(unit=tree["0200"], date=dt.date(2009, 7, 1))
    InspectionFactory(unit=tree["0200"], date=dt.date(2010, 1, 1), passed=False)


def _figures(unit=None):
    return {f.key: (f.numerator, f.denominator, f.met) for f in engine.compute(year=2009, unit=unit) if f.key in KEYS}


def test_it_counts_the_four_indicators_for_the_whole_service(records):
    assert _figures() == {
        "integrity_appraisal_pass_rate": (3, 4, False),
        # 1 (深圳) + 2 (广州) named / 250 + 3 + 1 (天津) employed.
        "case_involvement_rate": (3, 254, False),
        "satisfaction_rate": (265, 300, False),
        "inspection_pass_rate": (3, 4, False),
    }


def test_it_counts_the_four_indicators_for_one_customs(records, tree):
    assert _figures(tree["5100"]) == {
        "integrity_appraisal_pass_rate": (2, 3, False),
        "case_involvement_rate": (2, 3, False),
        "satisfaction_rate": (170, 200, False),
        "inspection_pass_rate": (2, 3, False),
    }


def test_it_meets_the_case_rate_at_exactly_0_4_percent(records, tree):
    assert _figures(tree["5200"])["case_involvement_rate"] == (1, 250, True)


def test_it_prints_the_four_keys_in_the_indicators_command(records):
    out = io.StringIO()
    call_command("indicators", "--year", "2009", "--unit", "9100", "--format", "json", stdout=out)
    payload = {row["key"]: row for row in json.loads(out.getvalue())["indicators"]}
    # 广东分署 covers 广州 and 深圳.
    assert [
        (payload[k]["numerator"], payload[k]["denominator"], payload[k]["value"], payload[k]["met"]) for k in KEYS
    ] == [
        (3, 4, 0.75, False),
        (3, 253, round(3 / 253, 6), False),
        (265, 300, round(265 / 300, 6), False),
        (2, 3, round(2 / 3, 6), False),
    ]
    assert payload["case_involvement_rate"]["comparison"] == "<="
    assert payload["case_involvement_rate"]["target"] == 0.004


def test_it_annotates_the_drill_down_of_each(records, tree):
    members = engine.get("case_involvement_rate").members(year=2009, root=tree["5100"])
    assert {(m.unit.code, m.figure, m.meets) for m in members} == {
        ("5100", 2, False),
        ("5101", 1, False),
        ("5102", 0, True),
    }
    surveys = engine.get("satisfaction_rate").members(year=2009, root=tree["5100"])
    assert sorted((s.unit.code, s.meets) for s in surveys) == [("5100", True), ("5101", False)]
    inspections = engine.get("inspection_pass_rate").members(year=2009, root=tree["5100"])
    assert sorted((i.unit.code, i.figure, i.meets) for i in inspections) == [
        ("5100", 1, True),
        ("5101", 1, True),
        ("5102", 0, False),
    ]
    appraisals = engine.get("integrity_appraisal_pass_rate").members(year=2009, root=tree["5100"])
    assert sorted(a.figure for a in appraisals) == [0, 1, 1]


def test_it_marks_only_the_case_indicator_sensitive():
    assert {i.key for i in engine.indicators() if i.sensitive} == {"case_involvement_rate"}


def test_it_counts_each_officer_once_whatever_their_own_category_and_status(tree, officers):
    # AJ-3 names three officers of 广州 whose outcomes differ; the first is
    # named again in AJ-4 with another outcome. Every category and status
    # counts (indicators.md counts the officers named in cases opened in
    # the year), each officer once: 5 links of 2009, 4 officers.
    aj3 = CaseFactory(case_no="AJ-3", opened_date=dt.date(2009, 4, 1))
    for code, category, status in (
        ("5100", "crime", "concluded"),
        ("5101", "discipline", "closed"),
        ("5102", "violation", "investigating"),
    ):
        CaseOfficerFactory(case=aj3, officer=officers[code], category=category, status=status)
    case_naming(officers["5100"], case_no="AJ-4", opened_date=dt.date(2009, 8, 1), category="discipline")
    case_naming(
        officers["5200"], case_no="AJ-6", opened_date=dt.date(2009, 2, 2), category="violation", status="closed"
    )
    # Opened in 2008: not counted in 2009, whatever its officer's status now.
    case_naming(officers["5201"], case_no="AJ-5", opened_date=dt.date(2008, 12, 31), status="investigating")

    figures = {f.key: (f.numerator, f.denominator) for f in engine.compute(year=2009) if f.key in KEYS}
    # 5100, 5101, 5102, 5200 named / the 6 officers of the fixture employed.
    assert figures["case_involvement_rate"] == (4, 6)
    gz = {f.key: (f.numerator, f.denominator) for f in engine.compute(year=2009, unit=tree["5100"])}
    assert gz["case_involvement_rate"] == (3, 3)
    members = engine.get("case_involvement_rate").members(year=2009, root=tree["5100"])
    assert sorted((m.unit.code, m.figure) for m in members) == [("5100", 2), ("5101", 1), ("5102", 1)]
