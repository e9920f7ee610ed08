"""No existence oracle (access.md, docs/security.md): every probe a user can
make -- an import preview, a referral, an admin form -- answers the same
whether or not a record they may not see exists.

frank supervises 5200 and is himself an officer of 5200 (conftest.py); the
hidden records below name him, so the conflict-of-interest rule hides them
from him although they lie inside his grants. bob supervises 9100 (5100 and
5200), not Tianjin (0200).
"""

import datetime as dt

import pytest
from django.utils import translation

from core.importing import records_import
from integrity.models import Case, CaseOfficer, Complaint, RiskAlert
from tests.factories import OfficerFactory

from .factories import ComplaintFactory, EnforcementStatFactory, RiskAlertFactory, case_naming

pytestmark = pytest.mark.django_db

CASES = "案件编号,工号,立案日期,案件类别,案件状态,处分\n"
SELF = (
    "This row names you. A case, complaint or statistic about yourself is never entered by you; a colleague enters it."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def preview(kind, text, user):
    """What the import preview answers: a dry run, nothing kept."""
    outcome = records_import(
        kind=kind, dataset_or_file=text.encode("utf-8-sig"), file_name=f"{kind}.csv", acting_user=user, dry_run=True
    )
    return outcome.succeeded, [str(p) for p in outcome.problems], outcome.created, outcome.updated, outcome.unchanged


def test_it_answers_a_supervisor_the_same_for_a_hidden_case_of_his_own_customs(frank, officers):
    # The hard case: frank imports case X naming another officer of his own
    # customs. Case X exists and names frank (hidden from him), or it does not.
    other = officers["5201"]
    text = CASES + f"X-1,{other.staff_no},2009-03-01,discipline,open,\n"
    absent = preview("cases", text, frank)
    hidden = case_naming(frank.officer, other, case_no="X-1", opened_date=dt.date(2008, 1, 5))
    present = preview("cases", text, frank)
    # 1 case and 1 officer link, both times.
    assert absent == present == (True, [], 2, 0, 0)
    # Imported for real, frank's X-1 is a case of his own; the hidden one is untouched.
    outcome = records_import(kind="cases", dataset_or_file=text.encode(), file_name="c.csv", acting_user=frank)
    assert outcome.succeeded
    hidden.refresh_from_db()
    assert (hidden.opened_date, hidden.involved.count()) == (dt.date(2008, 1, 5), 2)
    assert list(Case.objects.visible_to(frank).values_list("case_no", "opened_date")) == [("X-1", dt.date(2009, 3, 1))]


def test_it_answers_the_same_for_a_case_number_used_outside_the_grants(bob, officers):
    text = CASES + f"TJ-7,{officers['5100'].staff_no},2009-03-01,crime,open,\n"
    absent = preview("cases", text, bob)
    case_naming(officers["0200"], case_no="TJ-7")
    assert preview("cases", text, bob) == absent == (True, [], 2, 0, 0)


def test_it_refuses_a_case_row_naming_the_importing_user_whatever_exists(frank, officers):
    mine = frank.officer.staff_no
    text = (
        CASES
        + f"X-2,{mine},2009-03-01,discipline,open,\n"
        + f"X-2,{officers['5200'].staff_no},2009-03-01,discipline,open,\n"
    )
    expected = (False, [f"row 2, column 工号: {SELF}"], 0, 0, 0)
    assert preview("cases", text, frank) == expected
    case_naming(frank.officer, case_no="X-2")
    assert preview("cases", text, frank) == expected
    assert CaseOfficer.objects.count() == 1


def test_it_refuses_a_complaint_about_the_importing_user_whatever_exists(frank, officers):
    text = f"staff_no,received_date,substantiated\n{frank.officer.staff_no},2009-05-01,\n"
    expected = (False, [f"row 2, column staff_no: {SELF}"], 0, 0, 0)
    assert preview("complaints", text, frank) == expected
    ComplaintFactory(officer=frank.officer, received_date=dt.date(2009, 5, 1))
    assert preview("complaints", text, frank) == expected
    # Trying other dates tells nothing either.
    other_day = text.replace("2009-05-01", "2009-05-02")
    assert preview("complaints", other_day, frank) == expected


def test_it_answers_the_same_for_a_complaint_or_statistic_about_an_officer_outside_the_grants(bob, officers):
    outside = officers["0200"].staff_no
    complaint = f"staff_no,received_date,substantiated\n{outside},2009-05-01,\n"
    stat = f"staff_no,month,declarations,overrides\n{outside},2009-06,100,1\n"
    before = preview("complaints", complaint, bob), preview("enforcement_stats", stat, bob)
    ComplaintFactory(officer=officers["0200"], received_date=dt.date(2009, 5, 1))
    EnforcementStatFactory(officer=officers["0200"], month=dt.date(2009, 6, 1))
    after = preview("complaints", complaint, bob), preview("enforcement_stats", stat, bob)
    unknown = f"“{outside}” is unknown or outside your grants."
    assert (
        before
        == after
        == (
            (False, [f"row 2, column staff_no: {unknown}"], 0, 0, 0),
            (False, [f"row 2, column staff_no: {unknown}"], 0, 0, 0),
        )
    )


def _refer(client, alert, case_no):
    response = client.post(
        f"/integrity/alerts/{alert.pk}/refer/",
        {
            "version": alert.version,
            "case_no": case_no,
            "category": "discipline",
            "opened_date": "2009-12-20",
            "note": "移送",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return response.status_code, [str(m).replace(case_no, "<no>") for m in response.context["messages"]]


def test_it_refers_an_alert_under_a_number_a_hidden_case_holds_as_under_a_free_one(client, frank, tree):
    first, second = (OfficerFactory(unit=tree["5201"]) for _ in range(2))
    alerts = [RiskAlertFactory(officer=o, rule="repeated_complaints", score=30) for o in (first, second)]
    case_naming(frank.officer, case_no="SECRET-1")
    client.force_login(frank)
    free = _refer(client, alerts[0], "FREE-1")
    taken = _refer(client, alerts[1], "SECRET-1")
    assert free == taken == (200, ["Case <no> opened from this alert."])
    assert RiskAlert.objects.filter(status="closed", disposition="referred_to_case").count() == 2
    assert Case.objects.filter(case_no="SECRET-1").count() == 2


def _complaint_form(officer, day="2009-05-01"):
    return {"officer": str(officer.pk), "received_date": day, "substantiated": "unknown"}


def test_it_refuses_a_complaint_about_oneself_in_the_admin_with_one_message(client, frank):
    client.force_login(frank)
    absent = client.post("/admin/integrity/complaint/add/", _complaint_form(frank.officer), HTTP_ACCEPT_LANGUAGE="en")
    ComplaintFactory(officer=frank.officer, received_date=dt.date(2009, 5, 1))
    present = client.post("/admin/integrity/complaint/add/", _complaint_form(frank.officer), HTTP_ACCEPT_LANGUAGE="en")
    for response in (absent, present):
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {"officer": [SELF]}
    assert Complaint.objects.count() == 1


def _case_form(officer_pk, case_no):
    return {
        "case_no": case_no,
        "opened_date": "2009-12-01",
        "involved-TOTAL_FORMS": "1",
        "involved-INITIAL_FORMS": "0",
        "involved-MIN_NUM_FORMS": "0",
        "involved-MAX_NUM_FORMS": "1000",
        "involved-0-officer": str(officer_pk),
        "involved-0-category": "discipline",
        "involved-0-status": "open",
        "involved-0-sanction": "",
    }


def test_it_opens_a_case_in_the_admin_under_a_number_only_a_hidden_case_holds(client, frank, officers):
    case_naming(frank.officer, case_no="SECRET-2")
    client.force_login(frank)
    response = client.post("/admin/integrity/case/add/", _case_form(officers["5201"].pk, "SECRET-2"))
    assert response.status_code == 302
    assert Case.objects.visible_to(frank).get().case_no == "SECRET-2"
    # A number a case frank *can* see holds is refused, naming that fact.
    response = client.post(
        "/admin/integrity/case/add/", _case_form(officers["5200"].pk, "SECRET-2"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.context["adminform"].form.errors == {
        "case_no": ["Case number SECRET-2 is already used by a case you can see."]
    }


def test_it_refuses_naming_oneself_in_a_case_in_the_admin(client, frank, officers):
    client.force_login(frank)
    response = client.post(
        "/admin/integrity/case/add/", _case_form(frank.officer.pk, "AJ-ME"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert formset.formset.forms[0].errors == {"officer": [SELF]}
    assert not Case.objects.exists()
