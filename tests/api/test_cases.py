"""The ``cases`` endpoint reads one row per officer named, with that
officer's own category, status and sanction (docs/integrity.md)."""

import datetime as dt

import pytest

from tests.integrity.factories import CaseFactory, CaseOfficerFactory

pytestmark = pytest.mark.django_db


def test_it_shows_each_officers_own_outcome_in_a_case(service, api_as):
    case = CaseFactory(case_no="AJ-PER-1", opened_date=dt.date(2009, 7, 1), unit=service.unit["5100"], summary="同案")
    officer = service.officer
    CaseOfficerFactory(case=case, officer=officer["5101"], category="crime", status="concluded", sanction="开除")
    CaseOfficerFactory(case=case, officer=officer["5102"], category="discipline", status="investigating")

    answer = api_as("supervisor").get("/api/cases/?page_size=200")

    assert answer.status_code == 200
    rows = [row for row in answer.json()["results"] if row["case_no"] == "AJ-PER-1"]
    shown = sorted((r["staff_no"], r["opened_date"], r["category"], r["status"], r["sanction"]) for r in rows)
    assert shown == sorted(
        [
            (service.officer["5101"].staff_no, "2009-07-01", "crime", "concluded", "开除"),
            (service.officer["5102"].staff_no, "2009-07-01", "discipline", "investigating", ""),
        ]
    )
    assert {(r["unit_code"], r["summary"]) for r in rows} == {("5100", "同案")}
