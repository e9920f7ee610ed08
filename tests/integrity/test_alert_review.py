"""The alert review page and queue: who sees what, the facts that fired an
alert in words, assignment, notes, bulk actions and the queue's cost.

The tree and personas are those of tests/conftest.py and
tests/integrity/conftest.py; the alerts are raised by the real scan where
the facts matter (``integrity.risk.scan``).
"""

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from accounts.services import grant_create
from integrity.models import AccessLog, AlertNote, RiskAlert
from integrity.risk import scan
from org.roles import Role
from personnel.models import Posting
from tests.factories import OfficerFactory, PostingFactory, UserFactory

from .factories import EnforcementStatFactory, RiskAlertFactory, case_naming

pytestmark = pytest.mark.django_db

D = dt.date(2009, 12, 31)


def _user(username, role, unit):
    user = UserFactory(username=username)
    grant_create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def personas(tree, bob, alice, dora):
    """Supervision in scope (bob, 9100: Guangdong), supervision of another
    office (9200: Tianjin), HR, audit, leadership, and an officer without
    grants."""
    officer_user = UserFactory(username="officer")
    OfficerFactory(unit=tree["5101"], user=officer_user, name="普通关员")
    return {
        "supervisor": bob,
        "other_office": _user("tianjin", Role.SUPERVISION, tree["9200"]),
        "hr": alice,
        "auditor": _user("auditor", Role.AUDIT, tree["5100"]),
        "leader": dora,
        "officer": officer_user,
    }


@pytest.fixture
def two_alerts(tree):
    gz = OfficerFactory(unit=tree["5101"], name="王五", staff_no="GZ0001")
    tj = OfficerFactory(unit=tree["0200"], name="赵六", staff_no="TJ0001")
    return {
        "gz": RiskAlertFactory(officer=gz, rule="repeated_complaints", score=30),
        "tj": RiskAlertFactory(officer=tj, rule="repeated_complaints", score=30),
    }


# Which of the two alerts each persona reads (docs/access.md: alerts are
# supervision's, need-to-know, by the grant's scope; leadership, HR, audit
# and an officer see no alert at all).
EXPECTED = {
    "supervisor": {"gz"},
    "other_office": {"tj"},
    "hr": None,
    "auditor": None,
    "leader": None,
    "officer": None,
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_it_gives_each_persona_exactly_the_alerts_access_md_allows(client, personas, two_alerts, persona):
    user = personas[persona]
    client.force_login(user)
    queue = client.get("/integrity/alerts/")
    expected = EXPECTED[persona]
    if expected is None:
        assert queue.status_code == 404
        for alert in two_alerts.values():
            assert client.get(f"/integrity/alerts/{alert.pk}/").status_code == 404
            assert client.post(f"/integrity/alerts/{alert.pk}/review/", {"version": 1}).status_code == 404
        assert not AccessLog.objects.filter(user=user).exists()
        return
    listed = {key for key, alert in two_alerts.items() if alert in queue.context["rows"]}
    assert listed == expected
    assert queue.context["page"].paginator.count == len(expected)
    for key, alert in two_alerts.items():
        page = client.get(f"/integrity/alerts/{alert.pk}/")
        assert page.status_code == (200 if key in expected else 404)
        # Out of scope is the same answer as "does not exist", for reads and writes.
        if key not in expected:
            assert client.post(f"/integrity/alerts/{alert.pk}/note/", {"text": "x"}).status_code == 404
    assert client.get("/integrity/alerts/999999/").status_code == 404
    logged = list(
        AccessLog.objects.filter(user=user).order_by("at", "pk").values_list("action", "record_kind", "object_ids")
    )
    (only,) = expected
    assert logged == [
        ("list", "integrity.riskalert", str(two_alerts[only].pk)),
        ("view", "integrity.riskalert", str(two_alerts[only].pk)),
    ]
    assert AlertNote.objects.count() == 0


def test_it_links_the_desk_in_the_navigation_for_supervision_only(client, personas):
    for persona, shown in (("supervisor", True), ("hr", False), ("leader", False)):
        client.force_login(personas[persona])
        html = client.get("/integrity/units/5101/risk-points/").content.decode()
        assert ('href="/integrity/alerts/"' in html) is shown, persona


def test_it_shows_the_rotation_posting_to_supervision_without_an_hr_grant(client, tree, bob):
    officer = OfficerFactory(unit=tree["5102"], name="钱七", staff_no="GZ0007", hire_date=dt.date(1995, 7, 1))
    PostingFactory(
        officer=officer,
        unit=tree["5101"],
        position="旅检岗",
        start_date=dt.date(1996, 1, 1),
        end_date=dt.date(2003, 5, 31),
    )
    PostingFactory(
        officer=officer,
        unit=tree["5102"],
        position="查验岗",
        post_risk=Posting.PostRisk.HIGH,
        start_date=dt.date(2003, 6, 1),
    )
    scan(as_of=D)
    alert = RiskAlert.objects.get(officer=officer, rule="rotation_overdue")
    assert not Posting.objects.visible_to(bob).filter(officer=officer).exists()

    client.force_login(bob)
    page = client.get(f"/integrity/alerts/{alert.pk}/")
    assert page.status_code == 200
    # 2003-06-01 to 2009-12-31 is 2405 days: 2405 / 365.25 = 6.58 years.
    assert page.context["rotation"] == [
        {
            "unit_path": "广州海关 › 黄埔海关 › 黄埔海关查验科",
            "customs": "广州海关",
            "position": "查验岗",
            "level": "高风险",
            "risk_point": "",
            "since": dt.date(2003, 6, 1),
            "years": "6.6",
            "limit": 5,
            "as_of": D,
        }
    ]
    html = page.content.decode()
    assert "截至 2009-12-31 已任职 6.6 年，规定期限 5 年" in html
    assert "关员在高风险岗位连续任职满 5 年仍未轮岗即预警" in html
    assert "风险分值 <strong>40</strong> = 高风险岗位任职超期未轮岗 40" in html
    assert "rotation_overdue" not in html
    # The posting that fired the alert, not the officer's career.
    assert "旅检岗" not in html


def _outlier_group(tree):
    """Six officers of 广州海关 over June to November 2009: five with 2%, 3%,
    3%, 3% and 4% overrides, and 钱七 with 18% (36 in 200)."""
    for overrides in (2, 3, 3, 3, 4):
        EnforcementStatFactory(
            officer=OfficerFactory(unit=tree["5102"]), month=dt.date(2009, 6, 1), declarations=100, overrides=overrides
        )
    target = OfficerFactory(unit=tree["5102"], name="钱七")
    stats = [
        EnforcementStatFactory(officer=target, month=dt.date(2009, 6, 1), declarations=100, overrides=9),
        EnforcementStatFactory(officer=target, month=dt.date(2009, 7, 1), declarations=100, overrides=27),
    ]
    return target, stats


def test_it_puts_an_enforcement_outlier_in_a_supervisors_words(client, tree, bob):
    target, stats = _outlier_group(tree)
    scan(as_of=D)
    alert = RiskAlert.objects.get(officer=target, rule="enforcement_outlier")
    client.force_login(bob)
    page = client.get(f"/integrity/alerts/{alert.pk}/")
    outlier = page.context["outlier"]
    # Ratios 2, 3, 3, 3, 4, 18 (%): median 3%, deviations 1, 0, 0, 0, 1, 15,
    # MAD 0.5%; alert line 3% + 3.5 × 1.4826 × 0.5% = 5.59455% ≈ 5.6%;
    # 18% is 6 times 3%.
    assert outlier.summary == "人工干预比例 18%，约为广州海关 6 名关员通常水平 3% 的 6 倍。"
    assert outlier.threshold_words == (
        "本组预警线为 5.6%。该关员 2009-06 至 2009-11 共 200 份报关单，人工干预 36 次；"
        "只比较报关单不少于 100 份的关员。"
    )
    chart = outlier.chart
    assert len(chart["dots"]) == 6 and [d["own"] for d in chart["dots"]].count(True) == 1
    assert chart["median_label"] == "3%" and chart["threshold_label"] == "5.6%" and chart["own_label"] == "18%"
    assert chart["median_x"] < chart["threshold_x"] < chart["own_x"]
    html = page.content.decode()
    assert outlier.summary in html and "<svg" in html and "稳健" not in html
    assert [m["overrides"] for m in outlier.months] == [9, 27]
    # The officer's monthly statistics are need-to-know: their read is logged.
    assert AccessLog.objects.filter(
        user=bob, record_kind="integrity.enforcementstat", object_ids=",".join(str(s.pk) for s in stats)
    ).exists()


def test_it_shows_a_unit_case_rate_with_the_counts_and_the_cases_in_scope(client, tree, bob):
    named = OfficerFactory(unit=tree["5201"])
    for _i in range(3):
        OfficerFactory(unit=tree["5201"])
    case = case_naming(named, case_no="SZ-2009-01", opened_date=dt.date(2009, 5, 1))
    scan(as_of=D)
    alert = RiskAlert.objects.get(unit=tree["5200"], rule="unit_case_rate")
    client.force_login(bob)
    page = client.get(f"/integrity/alerts/{alert.pk}/")
    rate = page.context["case_rate"]
    # 1 of the 4 officers of 深圳海关's subtree: 25%, above 0.4%.
    assert (rate["named"], rate["on_roll"], rate["rate"], rate["limit"]) == (1, 4, "25%", "0.4%")
    assert [c.case_no for c in rate["cases"]] == ["SZ-2009-01"]
    assert "2009-01-01 至 2009-12-31 立案涉及 1 名关员，在册 4 名，涉案率 25%，超过 0.4% 的控制线。" in (
        page.content.decode()
    )
    assert AccessLog.objects.filter(user=bob, record_kind="integrity.case", object_ids=str(case.pk)).exists()


@pytest.fixture
def carol(tree):
    return _user("carol", Role.SUPERVISION, tree["9100"])


def _bulk(client, alerts, **data):
    payload = {"alert": [str(a.pk) for a in alerts], **{f"v{a.pk}": str(a.version) for a in alerts}, **data}
    return client.post("/integrity/alerts/?sort=age", payload)


def test_it_assigns_alerts_in_bulk_all_or_none(client, tree, bob, carol, frank, two_alerts):
    sz = RiskAlertFactory(officer=OfficerFactory(unit=tree["5201"], name="李四"), score=50)
    gz = two_alerts["gz"]
    due = timezone.localdate() + dt.timedelta(days=14)
    client.force_login(bob)
    # frank's grant (5200) covers 李四's alert but not 王五's: nothing is assigned.
    refused = _bulk(client, [gz, sz], bulk_action="assign", assignee=str(frank.pk), due_date=due.isoformat())
    assert refused.status_code == 400
    assert refused.context["bulk"].errors["assignee"] == [
        "frank 不能核查关于王五 (GZ0001)的预警：其纪检监察权限不覆盖该预警。"
    ]
    assert not RiskAlert.objects.filter(assignee__isnull=False).exists()

    done = _bulk(client, [gz, sz], bulk_action="assign", assignee=str(carol.pk), due_date=due.isoformat())
    assert done.status_code == 302 and done["Location"] == "/integrity/alerts/?sort=age"
    for alert in (gz, sz):
        alert.refresh_from_db()
        assert (alert.assignee, alert.due_date, alert.version) == (carol, due, 2)
        assert alert.history.latest("history_date").history_user == bob
    # An alert outside the reader's grants in the selection: 404, nothing written.
    tj = two_alerts["tj"]
    assert _bulk(client, [sz, tj], bulk_action="review").status_code == 404
    sz.refresh_from_db()
    assert sz.status == "open"

    started = _bulk(client, [gz, sz], bulk_action="review")
    assert started.status_code == 302
    assert set(RiskAlert.objects.filter(pk__in=[gz.pk, sz.pk]).values_list("status", "reviewer__username")) == {
        ("in_review", "bob")
    }
    queue = client.get("/integrity/alerts/", {"assignee": str(carol.pk), "status": "in_review"})
    assert [a.pk for a in queue.context["rows"]] == [sz.pk, gz.pk]


def test_it_says_what_is_wrong_with_a_due_date_and_keeps_what_was_typed(client, bob, carol, two_alerts):
    alert = two_alerts["gz"]
    client.force_login(bob)
    url = f"/integrity/alerts/{alert.pk}/assign/"
    bad = client.post(url, {"version": 1, "assignee": str(carol.pk), "due_date": "2026-02-30"})
    assert bad.status_code == 400
    assert bad.context["forms"]["assign"].errors["due_date"] == ["请按“年-月-日”填写日期，例如 2026-12-31。"]
    assert 'value="2026-02-30"' in bad.content.decode()
    past = client.post(url, {"version": 1, "assignee": str(carol.pk), "due_date": "2001-01-01"})
    today = timezone.localdate().isoformat()
    assert past.context["forms"]["assign"].errors["due_date"] == [
        f"核查期限 2001-01-01 已过，请选择今天（{today}）或以后的日期。"
    ]
    assert 'value="2001-01-01"' in past.content.decode()
    alert.refresh_from_db()
    assert (alert.assignee, alert.due_date, alert.version) == (None, None, 1)


def test_it_keeps_an_append_only_notes_thread(client, tree, bob, carol, two_alerts):
    alert = two_alerts["gz"]
    client.force_login(bob)
    assert client.post(f"/integrity/alerts/{alert.pk}/note/", {"text": "已调取查验记录"}).status_code == 302
    empty = client.post(f"/integrity/alerts/{alert.pk}/note/", {"text": "   "})
    assert empty.status_code == 400
    client.force_login(carol)
    client.post(f"/integrity/alerts/{alert.pk}/note/", {"text": "同意，约谈本人"})
    notes = list(alert.notes.order_by("at", "pk").values_list("author__username", "text"))
    assert notes == [("bob", "已调取查验记录"), ("carol", "同意，约谈本人")]
    page = client.get(f"/integrity/alerts/{alert.pk}/")
    html = page.content.decode()
    assert html.index("已调取查验记录") < html.index("同意，约谈本人")
    assert [n.author.username for n in page.context["notes"]] == ["bob", "carol"]
    # A note does not change the alert: its version and status stay.
    alert.refresh_from_db()
    assert (alert.version, alert.status) == (1, "open")


def test_it_gives_every_element_its_own_id(client, bob, two_alerts):
    client.force_login(bob)
    for url in ("/integrity/alerts/", f"/integrity/alerts/{two_alerts['gz'].pk}/"):
        ids = Counter(re.findall(r'\sid="([^"]+)"', client.get(url).content.decode()))
        assert [i for i, n in ids.items() if n > 1] == [], url


def test_it_records_the_history_in_words(client, bob, carol, two_alerts):
    alert = two_alerts["gz"]
    due = timezone.localdate() + dt.timedelta(days=7)
    client.force_login(bob)
    client.post(f"/integrity/alerts/{alert.pk}/assign/", {"version": 1, "assignee": carol.pk, "due_date": due})
    client.post(f"/integrity/alerts/{alert.pk}/review/", {"version": 2})
    client.post(f"/integrity/alerts/{alert.pk}/close/", {"version": 3, "disposition": "no_issue", "note": "无问题"})
    history = client.get(f"/integrity/alerts/{alert.pk}/").context["history"]
    assert [(h["who"], h["changes"]) for h in history] == [
        ("bob", ["状态：已办结", "处置结果：了结（无问题）"]),
        ("bob", ["状态：核查中"]),
        ("bob", ["指派 carol 承办", f"限 {due.isoformat()} 前完成"]),
        ("系统扫描", ["2009-12-31 扫描产生"]),
    ]


def test_it_sorts_filters_and_searches_the_queue(client, tree, bob, carol):
    older = RiskAlertFactory(
        officer=OfficerFactory(unit=tree["5102"], name="甲"), score=30, raised_on=dt.date(2009, 1, 31), assignee=carol
    )
    newer = RiskAlertFactory(officer=OfficerFactory(unit=tree["5201"], name="乙"), score=70)
    unit = RiskAlertFactory(officer=None, unit=tree["5100"], rule="unit_case_rate", score=50)
    client.force_login(bob)

    def queue(**params):
        response = client.get("/integrity/alerts/", params)
        assert response.status_code == 200
        return [a.pk for a in response.context["rows"]]

    assert queue() == [newer.pk, unit.pk, older.pk]
    assert queue(sort="score") == [older.pk, unit.pk, newer.pk]
    # Oldest first; alerts raised the same day in the order they were raised.
    assert queue(sort="age") == [older.pk, newer.pk, unit.pk]
    assert queue(sort="unit") == [unit.pk, older.pk, newer.pk]
    assert queue(sort="-unit") == [newer.pk, older.pk, unit.pk]
    assert queue(unit="5100") == [unit.pk, older.pk]
    assert queue(rule="unit_case_rate") == [unit.pk]
    assert queue(assignee="none") == [newer.pk, unit.pk]
    assert queue(assignee=str(carol.pk)) == [older.pk]
    assert queue(q="乙") == [newer.pk]
    assert queue(min_score="50") == [newer.pk, unit.pk]
    days_old = (timezone.localdate() - dt.date(2009, 12, 31)).days
    assert queue(min_age=str(days_old + 1)) == [older.pk]
    # A unit outside the reviewer's scope lists nothing, existing or not.
    assert queue(unit="0200") == [] and queue(unit="9999") == []


@pytest.mark.parametrize("size", [3, 13])
def test_it_costs_the_same_queries_for_a_page_of_the_queue_at_any_size(
    client, tree, bob, carol, size, django_assert_num_queries
):
    for i in range(size):
        RiskAlertFactory(
            officer=OfficerFactory(unit=tree["5102" if i % 2 else "5201"]), assignee=carol if i % 3 else None
        )
    RiskAlertFactory(officer=None, unit=tree["5200"], rule="unit_case_rate", score=50)
    client.force_login(bob)
    client.get("/integrity/alerts/")  # the session, once
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get("/integrity/alerts/")
    assert response.context["page"].paginator.count == size + 1


# The session and user, the grants (one query, which also decides the
# navigation bar's entries), the unit paths, the reviewers, the filter's
# unit choices, the count, the page, and the access-log row with its chain
# (savepoint, the chain's end, insert, release; on PostgreSQL a table lock
# first); the navigation bar's unread-message badge.
QUEUE_QUERIES = 16 + (connection.vendor == "postgresql")


def test_it_offers_as_reviewers_only_supervision_covering_the_alert(client, tree, bob, carol, frank, two_alerts):
    sz = RiskAlertFactory(officer=OfficerFactory(unit=tree["5201"]))
    client.force_login(bob)

    def offered(alert):
        form = client.get(f"/integrity/alerts/{alert.pk}/").context["forms"]["assign"]
        return sorted(user.username for user in form.fields["assignee"].queryset)

    # frank's grant is on 5200: he covers 皇岗 (5201), not 黄埔 (5101).
    assert offered(two_alerts["gz"]) == ["bob", "carol"]
    assert offered(sz) == ["bob", "carol", "frank"]
    # The queue's bulk picker offers everyone within bob's scope.
    bulk = client.get("/integrity/alerts/").context["bulk"]
    assert sorted(user.username for user in bulk.fields["assignee"].queryset) == ["bob", "carol", "frank"]
