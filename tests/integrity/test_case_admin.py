"""The case page in the admin: each officer named has their own category,
status and sanction; the list shows and filters by them."""

import datetime as dt

import pytest

from integrity.models import Case

from .factories import CaseFactory, CaseOfficerFactory

pytestmark = pytest.mark.django_db


def _form(officers):
    rows = [("5100", "crime", "concluded", "移送司法机关"), ("5101", "discipline", "investigating", "")]
    data = {
        "case_no": "AJ-ADM",
        "opened_date": "2009-12-01",
        "summary": "同案两人",
        "involved-TOTAL_FORMS": str(len(rows)),
        "involved-INITIAL_FORMS": "0",
        "involved-MIN_NUM_FORMS": "0",
        "involved-MAX_NUM_FORMS": "1000",
    }
    for i, (code, category, status, sanction) in enumerate(rows):
        data.update(
            {
                f"involved-{i}-officer": str(officers[code].pk),
                f"involved-{i}-category": category,
                f"involved-{i}-status": status,
                f"involved-{i}-sanction": sanction,
            }
        )
    return data


def test_it_opens_a_case_whose_officers_have_their_own_outcomes(client, bob, officers):
    client.force_login(bob)
    assert client.post("/admin/integrity/case/add/", _form(officers)).status_code == 302
    case = Case.objects.get(case_no="AJ-ADM")
    assert case.summary == "同案两人"
    assert sorted(case.involved.values_list("officer__unit__code", "category", "status", "sanction")) == [
        ("5100", "crime", "concluded", "移送司法机关"),
        ("5101", "discipline", "investigating", ""),
    ]
    page = client.get(f"/admin/integrity/case/{case.pk}/change/")
    assert page.status_code == 200
    assert "移送司法机关" in page.content.decode()


def test_it_lists_each_cases_outcomes_and_filters_by_an_officers_category(client, bob, officers):
    both = CaseFactory(case_no="AJ-BOTH", opened_date=dt.date(2009, 5, 1))
    CaseOfficerFactory(case=both, officer=officers["5100"], category="crime", status="concluded")
    CaseOfficerFactory(case=both, officer=officers["5101"], category="discipline", status="open")
    mild = CaseFactory(case_no="AJ-MILD", opened_date=dt.date(2009, 6, 1))
    CaseOfficerFactory(case=mild, officer=officers["5200"], category="discipline", status="closed")
    client.force_login(bob)

    page = client.get("/admin/integrity/case/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    cl = page.context["cl"]
    shown = {c.case_no: (cl.model_admin.categories(c), cl.model_admin.statuses(c)) for c in cl.result_list}
    assert shown == {"AJ-BOTH": ("discipline, crime", "open, concluded"), "AJ-MILD": ("discipline", "closed")}

    crime = client.get("/admin/integrity/case/?category=crime")
    assert [c.case_no for c in crime.context["cl"].result_list] == ["AJ-BOTH"]
    closed = client.get("/admin/integrity/case/?status=closed")
    assert [c.case_no for c in closed.context["cl"].result_list] == ["AJ-MILD"]
