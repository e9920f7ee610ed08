"""Drill-downs whose members are records or units rather than officers:
the columns say what decides, and each row is marked by the definition's
``meets``. Year 2009, Guangzhou customs (5100, with 5101 below it and the
department 5102 below that), seen by dora (leadership at hq)."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from integrity.models import IntegrityAppraisal
from tests.audit.factories import AuditFactory, InternalControlFactory
from tests.dashboard.factories import TrainingRecordFactory
from tests.factories import OfficerFactory
from tests.integrity.factories import InspectionFactory, IntegrityAppraisalFactory, SurveyFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def reader(client, dora):
    client.force_login(dora)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def read(key, unit="5100", **params):
        url = reverse("dashboard:drill_down", args=[key])
        response = client.get(url, {"unit": unit, "year": 2009, **params})
        assert response.status_code == 200
        headings = [str(column["label"]) for column in response.context["columns"]]
        rows = [
            dict(zip(headings, [*row["cells"], "met" if row["meets"] else "missed"], strict=True))
            for row in response.context["rows"]
        ]
        return response, rows

    return read


def test_it_lists_inspections_with_their_result(tree, reader):
    InspectionFactory(unit=tree["5100"], date=D(2009, 4, 1), passed=True)
    InspectionFactory(unit=tree["5101"], date=D(2009, 5, 1), passed=False)
    InspectionFactory(unit=tree["5101"], date=D(2008, 5, 1), passed=False)  # another year
    InspectionFactory(unit=tree["5200"], date=D(2009, 5, 1), passed=False)  # another scope
    response, rows = reader("inspection_pass_rate")
    assert (response.context["drill"].figure.numerator, response.context["drill"].figure.denominator) == (1, 2)
    assert sorted((r["unit code"], str(r["date"]), r["result"], r["meets the target"]) for r in rows) == [
        ("5100", "2009-04-01", "passed", "met"),
        ("5101", "2009-05-01", "not passed", "missed"),
    ]


def test_it_lists_surveys_with_the_share_satisfied(tree, reader):
    SurveyFactory(unit=tree["5100"], respondents=200, satisfied=180)  # 90%: meets 90%
    SurveyFactory(unit=tree["5101"], respondents=40, satisfied=35)  # 87.5%
    _response, rows = reader("satisfaction_rate")
    assert sorted(
        (r["unit code"], r["respondents"], r["satisfied"], r["satisfaction"], r["meets the target"]) for r in rows
    ) == [
        ("5100", 200, 180, "90%", "met"),
        ("5101", 40, 35, "87.5%", "missed"),
    ]


def test_it_lists_integrity_appraisals_of_teams_and_members(tree, reader):
    member = OfficerFactory(unit=tree["5100"], staff_no="L001", name="领导甲", is_leader=True)
    IntegrityAppraisalFactory(unit=tree["5100"], officer=None, result=IntegrityAppraisal.Result.PASS)
    IntegrityAppraisalFactory(unit=tree["5100"], officer=member, result=IntegrityAppraisal.Result.FAIL)
    _response, rows = reader("integrity_appraisal_pass_rate")
    assert sorted((r["appraised"], r["result"], r["meets the target"]) for r in rows) == [
        ("leadership team", "pass", "met"),
        ("领导甲", "fail", "missed"),
    ]


def test_it_lists_customs_with_their_audit_and_internal_control(tree, reader):
    AuditFactory(unit=tree["5100"], completed_date=D(2008, 6, 30))
    InternalControlFactory(unit=tree["5101"], established_date=D(2010, 1, 1))  # after 2009
    InternalControlFactory(unit=tree["5100"], established_date=D(2007, 3, 1))
    _response, audits = reader("audit_coverage")
    assert {(r["unit code"], str(r["last covering audit completed"]), r["covered"]) for r in audits} == {
        ("5100", "2008-06-30", "yes"),
        ("5101", "—", "no"),
    }
    _response, controls = reader("internal_control_rate")
    assert {(r["unit code"], str(r["mechanism established"]), r["meets the target"]) for r in controls} == {
        ("5100", "2007-03-01", "met"),
        ("5101", "2010-01-01", "missed"),
    }


def test_it_lists_customs_with_the_areas_their_records_cover(tree, reader):
    TrainingRecordFactory(officer=OfficerFactory(unit=tree["5102"]), start_date=D(2009, 3, 2))
    InspectionFactory(unit=tree["5100"], date=D(2009, 4, 1))
    _response, rows = reader("information_coverage")
    by_code = {r["unit code"]: r for r in rows}
    # 5102's training counts for 5101 and 5100 (their subtrees); the
    # inspection only for 5100.
    assert {
        code: (r["training"], r["supervision"], r["political work"], r["areas covered"]) for code, r in by_code.items()
    } == {
        "5100": ("yes", "yes", "no", "2 of 4"),
        "5101": ("yes", "no", "no", "1 of 4"),
    }


def test_it_exports_record_drill_downs_too(client, tree, dora):
    import io

    import pandas as pd

    InspectionFactory(unit=tree["5100"], date=D(2009, 4, 1), passed=False)
    client.force_login(dora)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(
        reverse("dashboard:drill_down_export", args=["inspection_pass_rate"]), {"unit": "5100", "year": 2009}
    )
    frame = pd.read_excel(io.BytesIO(response.content), dtype={"unit code": str})
    assert frame.to_dict("records") == [
        {
            "unit code": "5100",
            "unit": "广州海关",
            "date": pd.Timestamp("2009-04-01"),
            "result": "not passed",
            "meets the target": "missed",
        },
    ]
