"""The alert desk: queue, alert page, actions, and two reviewers at once."""

import datetime as dt

import pytest
from django.utils import translation

from accounts.services import grant_create
from integrity.models import AccessLog, Case
from integrity.services import AlertChanged, alert_close, alert_start_review
from org.roles import Role
from tests.factories import OfficerFactory, PostingFactory, UserFactory

from .factories import CaseFactory, CaseOfficerFactory, ComplaintFactory, RiskAlertFactory, case_naming

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def alerts(tree):
    gz = OfficerFactory(unit=tree["5101"], name="王五", staff_no="GZ0001")
    sz = OfficerFactory(unit=tree["5201"], name="李四", staff_no="SZ0001")
    tj = OfficerFactory(unit=tree["0200"], name="赵六", staff_no="TJ0001")
    return {
        "gz": RiskAlertFactory(officer=gz, rule="rotation_overdue", score=70, facts=["posting at 黄埔海关 since 2003"]),
        "sz": RiskAlertFactory(officer=sz, rule="repeated_complaints", score=30),
        "tj": RiskAlertFactory(officer=tj, rule="repeated_complaints", score=30),
        "unit": RiskAlertFactory(officer=None, unit=tree["5200"], rule="unit_case_rate", score=50),
    }


def _queue(client, **params):
    response = client.get("/integrity/alerts/", params)
    assert response.status_code == 200
    return [a.pk for a in response.context["page"].object_list]


def test_it_queues_the_alerts_in_scope_by_score(client, bob, alerts):
    client.force_login(bob)
    assert _queue(client) == [alerts["gz"].pk, alerts["unit"].pk, alerts["sz"].pk]
    (entry,) = AccessLog.objects.all()
    assert (entry.action, entry.record_kind, entry.record_count) == ("list", "integrity.riskalert", 3)


def test_it_filters_the_queue_by_rule_status_unit_and_score(client, bob, alerts):
    alert_start_review(alert=alerts["sz"], version=1, acting_user=bob)
    client.force_login(bob)
    assert _queue(client, rule="repeated_complaints") == [alerts["sz"].pk]
    assert _queue(client, status="in_review") == [alerts["sz"].pk]
    assert _queue(client, status="open") == [alerts["gz"].pk, alerts["unit"].pk]
    assert _queue(client, unit="5200") == [alerts["unit"].pk, alerts["sz"].pk]
    assert _queue(client, min_score=50) == [alerts["gz"].pk, alerts["unit"].pk]
    # A unit outside the reviewer's scope lists nothing, existing or not.
    assert _queue(client, unit="0200") == []


def test_it_hides_the_desk_from_users_without_a_supervision_grant(client, alice, dora, alerts):
    for user in (alice, dora):
        client.force_login(user)
        assert client.get("/integrity/alerts/").status_code == 404
        assert client.get(f"/integrity/alerts/{alerts['gz'].pk}/").status_code == 404
    assert AccessLog.objects.count() == 0


def test_it_answers_404_for_an_alert_out_of_scope_or_about_the_reviewer(client, bob, frank, alerts):
    about_frank = RiskAlertFactory(officer=frank.officer)
    client.force_login(bob)
    assert client.get(f"/integrity/alerts/{alerts['tj'].pk}/").status_code == 404
    client.force_login(frank)
    assert client.get(f"/integrity/alerts/{about_frank.pk}/").status_code == 404
    assert client.post(f"/integrity/alerts/{about_frank.pk}/review/", {"version": 1}).status_code == 404
    assert about_frank.pk not in _queue(client)
    about_frank.refresh_from_db()
    assert about_frank.status == "open"


def test_it_shows_the_officer_context_as_far_as_the_reviewer_may_see(client, bob, frank, alerts, tree):
    officer = alerts["sz"].officer
    PostingFactory(officer=officer, unit=tree["5201"], position="旅检岗")
    complaint = ComplaintFactory(officer=officer, received_date=dt.date(2009, 3, 1))
    visible_case = case_naming(officer, case_no="AJ-1")
    shared = CaseFactory(case_no="AJ-FRANK")
    CaseOfficerFactory(case=shared, officer=officer, category="crime", status="concluded", sanction="开除")
    CaseOfficerFactory(case=shared, officer=frank.officer, category="discipline", status="investigating")
    client.force_login(bob)
    page = client.get(f"/integrity/alerts/{alerts['sz'].pk}/")
    html = page.content.decode()
    assert "李四" in html and "AJ-1" in html and "AJ-FRANK" in html
    # The complaints that fired the alert, and the officer's cases bob may
    # see, each with the officer's own outcome, not a colleague's.
    assert [c.pk for c in page.context["complaints"]] == [complaint.pk]
    shown = [(link.case.case_no, link.category, link.status) for link in page.context["cases"]]
    assert sorted(shown) == [("AJ-1", "discipline", "open"), ("AJ-FRANK", "crime", "concluded")]
    assert "开除" in html
    # frank is named in AJ-FRANK: he sees the alert but not that case.
    client.force_login(frank)
    page = client.get(f"/integrity/alerts/{alerts['sz'].pk}/")
    assert [link.case.case_no for link in page.context["cases"]] == ["AJ-1"]
    assert "AJ-FRANK" not in page.content.decode()
    logged = set(AccessLog.objects.filter(user=frank).values_list("record_kind", "object_ids"))
    assert logged == {
        ("integrity.riskalert", str(alerts["sz"].pk)),
        ("integrity.complaint", str(complaint.pk)),
        ("integrity.case", str(visible_case.pk)),
    }


def test_it_walks_an_alert_from_review_to_closure(client, bob, alerts):
    alert = alerts["gz"]
    client.force_login(bob)
    client.post(f"/integrity/alerts/{alert.pk}/review/", {"version": 1})
    alert.refresh_from_db()
    assert (alert.status, alert.reviewer, alert.version) == ("in_review", bob, 2)
    client.post(
        f"/integrity/alerts/{alert.pk}/close/", {"version": 2, "disposition": "action_taken", "note": "已安排轮岗"}
    )
    alert.refresh_from_db()
    assert (alert.status, alert.disposition, alert.note, alert.version) == ("closed", "action_taken", "已安排轮岗", 3)
    assert alert.closed_at is not None
    assert [h.status for h in alert.history.order_by("history_date")] == ["open", "in_review", "closed"]
    assert [h.history_user for h in alert.history.order_by("history_date")][1:] == [bob, bob]


def test_it_refuses_to_close_without_a_note(client, bob, alerts):
    alert = alert_start_review(alert=alerts["gz"], version=1, acting_user=bob)
    client.force_login(bob)
    response = client.post(
        f"/integrity/alerts/{alert.pk}/close/", {"version": 2, "disposition": "no_issue", "note": ""}
    )
    assert response.status_code == 400
    assert response.context["forms"]["close"].errors["note"] == ["该字段是必填项。"]
    alert.refresh_from_db()
    assert alert.status == "in_review"


def test_it_tells_the_second_of_two_reviewers_that_the_alert_changed(client, bob, tree, alerts):
    carol = UserFactory(username="carol")
    grant_create(user=carol, role=Role.SUPERVISION, unit=tree["5100"])
    alert = alerts["gz"]
    # Both opened the page at version 1; bob submits first.
    alert_start_review(alert=alert, version=1, acting_user=bob)
    client.force_login(carol)
    response = client.post(f"/integrity/alerts/{alert.pk}/review/", {"version": 1})
    assert response.context["forms"]["review"].non_field_errors() == ["您打开此预警后，已有他人修改。请刷新后重试。"]
    alert.refresh_from_db()
    assert (alert.status, alert.reviewer, alert.version) == ("in_review", bob, 2)
    # The same stale version cannot close it either.
    with pytest.raises(AlertChanged):
        alert_close(alert=alert, version=1, disposition="no_issue", note="无问题", acting_user=carol)
    alert.refresh_from_db()
    assert alert.status == "in_review"


def test_it_refers_an_alert_to_a_new_case_linked_both_ways(client, bob, alerts):
    alert = alerts["sz"]
    client.force_login(bob)
    client.post(
        f"/integrity/alerts/{alert.pk}/refer/",
        {
            "version": 1,
            "case_no": "SZ-2009-07",
            "category": "violation",
            "opened_date": "2009-12-20",
            "note": "移送立案",
        },
    )
    alert.refresh_from_db()
    case = Case.objects.get(case_no="SZ-2009-07")
    assert (alert.status, alert.disposition, alert.case) == ("closed", "referred_to_case", case)
    assert list(case.alerts.all()) == [alert]
    # The category chosen is the officer's own in the case, which opens
    # for them; the case holds what is common.
    assert list(case.involved.values_list("officer__staff_no", "category", "status", "sanction")) == [
        ("SZ0001", "violation", "open", "")
    ]
    assert (case.opened_date, case.unit, case.summary) == (dt.date(2009, 12, 20), None, "")
    link = case.involved.get()
    assert link.history.get().history_user == bob
    # The new case is in bob's scope through the officer it names.
    assert Case.objects.visible_to(bob).filter(pk=case.pk).exists()


def test_it_refuses_a_referral_with_a_case_number_already_used(client, bob, alerts, tree):
    case_naming(OfficerFactory(unit=tree["5100"]), case_no="DUP-1")
    client.force_login(bob)
    response = client.post(
        f"/integrity/alerts/{alerts['sz'].pk}/refer/",
        {
            "version": 1,
            "case_no": "DUP-1",
            "category": "discipline",
            "opened_date": "2009-12-20",
            "note": "移送",
        },
    )
    refer = response.context["forms"]["refer"]
    assert refer.errors["case_no"] == ["案件编号 DUP-1 已被您可查看的案件使用。"]
    # What was typed is shown again.
    assert 'value="DUP-1"' in response.content.decode() and "移送</textarea>" in response.content.decode()
    alerts["sz"].refresh_from_db()
    assert (alerts["sz"].status, alerts["sz"].version) == ("open", 1)
    assert Case.objects.count() == 1
