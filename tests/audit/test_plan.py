import datetime as dt

import pytest
from django.urls import reverse

from audit.models import Audit, Finding
from tests.audit.factories import AuditFactory, FindingFactory
from tests.factories import LeaderAppraisalFactory, OfficerFactory, PostingFactory, UserFactory

pytestmark = pytest.mark.django_db

AS_OF = "2009-10-01"  # window 2005-01-01 … 2009-12-31


@pytest.fixture
def plan_data(tree):
    K = Audit.Kind
    AuditFactory(audit_no="GZ-OLD", unit=tree["5100"], kind=K.MANAGEMENT, completed_date=dt.date(2004, 12, 31))
    AuditFactory(audit_no="HP-OK", unit=tree["5101"], kind=K.MANAGEMENT, completed_date=dt.date(2005, 1, 1))
    AuditFactory(audit_no="SZ-SPECIAL", unit=tree["5200"], kind=K.SPECIAL, completed_date=dt.date(2009, 3, 1))
    AuditFactory(
        audit_no="TJ-OK", unit=tree["0200"], kind=K.ECONOMIC_RESPONSIBILITY, completed_date=dt.date(2008, 1, 1)
    )

    # Leadership tenures that ended: one audited, one audited only on another
    # unit, one not audited at all, one ended before the window.
    chief = OfficerFactory(staff_no="L1", unit=tree["5100"], is_leader=True)
    audited = PostingFactory(
        officer=chief,
        unit=tree["5101"],
        position="关长",
        leadership=True,
        start_date=dt.date(2003, 1, 1),
        end_date=dt.date(2008, 6, 30),
    )
    AuditFactory(
        audit_no="ER-L1",
        unit=tree["5101"],
        officer=chief,
        kind=K.ECONOMIC_RESPONSIBILITY,
        period_start=dt.date(2003, 1, 1),
        period_end=dt.date(2008, 6, 30),
        completed_date=None,
    )
    deputy = OfficerFactory(staff_no="L2", unit=tree["5100"], is_leader=True)
    PostingFactory(
        officer=deputy,
        unit=tree["5101"],
        position="副关长",
        leadership=True,
        start_date=dt.date(2004, 1, 1),
        end_date=dt.date(2009, 2, 28),
    )
    AuditFactory(
        audit_no="ER-L2-ELSEWHERE",
        unit=tree["5100"],
        officer=deputy,
        kind=K.ECONOMIC_RESPONSIBILITY,
        period_start=dt.date(2004, 1, 1),
        period_end=dt.date(2009, 2, 28),
        completed_date=None,
    )
    PostingFactory(
        officer=OfficerFactory(staff_no="L3", unit=tree["5200"]),
        unit=tree["5200"],
        position="关长",
        leadership=True,
        start_date=dt.date(2001, 1, 1),
        end_date=dt.date(2009, 9, 30),
    )
    PostingFactory(
        officer=OfficerFactory(staff_no="L4", unit=tree["5200"]),
        unit=tree["5200"],
        position="副关长",
        leadership=True,
        start_date=dt.date(1999, 1, 1),
        end_date=dt.date(2004, 12, 31),
    )
    # A tenure that ends after the as-of date is not over yet; a non-leadership one never is due.
    PostingFactory(
        officer=OfficerFactory(staff_no="L5", unit=tree["0200"]),
        unit=tree["0200"],
        position="关长",
        leadership=True,
        start_date=dt.date(2002, 1, 1),
        end_date=dt.date(2009, 10, 2),
    )
    PostingFactory(
        officer=OfficerFactory(staff_no="C1", unit=tree["0200"]),
        unit=tree["0200"],
        position="科员",
        leadership=False,
        start_date=dt.date(2002, 1, 1),
        end_date=dt.date(2008, 1, 1),
    )

    gz_audit = Audit.objects.get(audit_no="GZ-OLD")
    FindingFactory(audit=gz_audit, description="逾期未整改", deadline=dt.date(2009, 9, 30))
    FindingFactory(
        audit=gz_audit, description="整改中逾期", deadline=dt.date(2009, 1, 1), status=Finding.Status.RECTIFYING
    )
    FindingFactory(audit=gz_audit, description="截止当天", deadline=dt.date(2009, 10, 1))
    FindingFactory(audit=gz_audit, description="已整改", deadline=dt.date(2009, 1, 1), status=Finding.Status.RECTIFIED)
    FindingFactory(audit=Audit.objects.get(audit_no="TJ-OK"), description="天津逾期", deadline=dt.date(2009, 1, 1))
    return audited


def get_plan(client, user, **params):
    client.force_login(user)
    return client.get(reverse("audit:plan"), {"as_of": AS_OF, **params})


def test_it_lists_what_is_due_in_the_whole_service(client, dora, plan_data):
    response = get_plan(client, dora)
    assert response.status_code == 200
    ctx = response.context
    assert ctx["unit"].code == "0000"
    assert [(u.code, u.last_audit) for u in ctx["units_due"]] == [
        ("5200", None),  # a special audit does not cover it
        ("5201", None),
        ("5100", dt.date(2004, 12, 31)),  # the day before the window
    ]
    assert [(p.officer.staff_no, p.unit.code) for p in ctx["tenures"]] == [("L2", "5101"), ("L3", "5200")]
    assert [f.description for f in ctx["findings"]] == ["整改中逾期", "天津逾期", "逾期未整改"]


def test_it_limits_the_plan_to_the_auditors_scope(client, erin, plan_data):
    ctx = get_plan(client, erin).context
    assert ctx["unit"].code == "5100"
    assert [u.code for u in ctx["units_due"]] == ["5100"]
    assert [p.officer.staff_no for p in ctx["tenures"]] == ["L2"]
    assert [f.description for f in ctx["findings"]] == ["整改中逾期", "逾期未整改"]


def test_it_narrows_a_supervisory_office_to_a_chosen_customs(client, gina, plan_data):
    ctx = get_plan(client, gina, unit="5200").context
    assert [u.code for u in ctx["units_due"]] == ["5200", "5201"]
    assert [p.officer.staff_no for p in ctx["tenures"]] == ["L3"]
    assert list(ctx["findings"]) == []


def test_it_answers_404_for_a_unit_outside_the_grant(client, erin, hank, plan_data):
    assert get_plan(client, erin, unit="0200").status_code == 404
    assert get_plan(client, hank, unit="5100").status_code == 404
    assert get_plan(client, erin, unit="no-such-unit").status_code == 404


def test_it_explains_to_roles_that_do_not_read_audits_who_may_see_it(client, alice, bob, plan_data):
    """HR and supervision see their units, so the plan says who may see it
    (403) and shows none of it; a user without any grant gets 404."""
    for user, code in ((alice, "5100"), (bob, "9100")):
        response = get_plan(client, user)
        assert response.status_code == 403
        assert response.context["unit"].code == code
        assert "units_due" not in response.context
    assert get_plan(client, alice, unit="0200").status_code == 404
    assert get_plan(client, UserFactory()).status_code == 404


def test_it_opens_on_the_last_day_of_the_dashboards_default_year(client, tree, erin, plan_data):
    """The records stop in 2009 (an appraisal of 2009 is the latest), so the
    dashboard opens on 2009, and so does the plan: as of 2009-12-31."""
    LeaderAppraisalFactory(officer=OfficerFactory(unit=tree["5100"]), year=2009)
    client.force_login(erin)
    response = client.get(reverse("audit:plan"))
    assert response.context["as_of"] == dt.date(2009, 12, 31)
    response = client.get(reverse("audit:plan"), {"as_of": "abc"})
    assert response.context["as_of"] == dt.date(2009, 12, 31)
    assert "2009-12-31" in response.context["problem"]


def test_it_explains_a_malformed_date(client, erin, plan_data):
    response = get_plan(client, erin, as_of="2009-13-01")
    assert response.status_code == 200
    assert "2009-13-01" in response.context["problem"]
