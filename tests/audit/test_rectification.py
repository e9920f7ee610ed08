"""The rectification ledger (整改台账): where items come from, the workflow
and who may perform each step, the three-colour warning, the completion rate.

Personas on the shared tree (tests/conftest.py): erin audit at 5100 (5100,
5101, 5102), hank audit at 0200, sam supervision at 9100 (5100 and 5200 with
their subtrees), lena leadership at 0000; rita is the responsible officer
(works in 5101, no grant); otto an officer of 5101 with no grant.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services import grant_create
from audit.models import Finding, RectificationItem, colour_deadlines, deadline_colour
from audit.services import (
    LedgerChanged,
    rectification_close,
    rectification_create,
    rectification_create_from_alert,
    rectification_create_from_finding,
    rectification_create_from_inspection,
    rectification_report,
    rectification_return,
)
from core import indicators as engine
from integrity.models import RiskAlert
from org.roles import Role
from tests.audit.factories import AuditFactory, FindingFactory, user_with_grant
from tests.factories import OfficerFactory
from tests.integrity.factories import InspectionFactory, RiskAlertFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def people(tree):
    users = {
        "erin": user_with_grant("erin", Role.AUDIT, tree["5100"]),
        "hank": user_with_grant("hank", Role.AUDIT, tree["0200"]),
        "sam": user_with_grant("sam", Role.SUPERVISION, tree["9100"]),
        "lena": user_with_grant("lena", Role.LEADERSHIP, tree["0000"]),
        "rita": user_with_grant("rita"),
        "otto": user_with_grant("otto"),
    }
    users["rita_officer"] = OfficerFactory(staff_no="R5101", name="整改责任人", unit=tree["5101"], user=users["rita"])
    users["otto_officer"] = OfficerFactory(staff_no="O5101", name="其他关员", unit=tree["5101"], user=users["otto"])
    return users


@pytest.fixture
def finding(tree):
    return FindingFactory(
        audit=AuditFactory(unit=tree["5101"]), description="库存物资账实不符", deadline=D(2009, 6, 30)
    )


def _from_finding(finding, people):
    return rectification_create_from_finding(
        finding=finding, officer=people["rita_officer"], measures="盘点并调账", acting_user=people["erin"]
    )


def test_it_opens_an_item_from_a_finding_linked_both_ways(finding, people, tree):
    item = _from_finding(finding, people)
    assert (item.source, item.department, item.unit, item.status) == (
        "finding",
        "audit",
        tree["5101"],
        RectificationItem.Status.RECTIFYING,
    )
    assert (item.description, item.deadline) == ("库存物资账实不符", D(2009, 6, 30))
    assert list(finding.rectifications.all()) == [item]
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RECTIFYING
    assert item.history.get().history_user == people["erin"]


def test_it_walks_report_return_report_close_each_by_its_role(finding, people):
    item = _from_finding(finding, people)
    item = rectification_report(item=item, progress="已盘点", acting_user=people["rita"])
    assert item.status == RectificationItem.Status.PENDING
    item = rectification_return(item=item, reason="缺少调账凭证", acting_user=people["erin"])
    assert (item.status, item.return_reason) == (RectificationItem.Status.RETURNED, "缺少调账凭证")
    item = rectification_report(item=item, progress="已补调账凭证", acting_user=people["rita"])
    item = rectification_close(item=item, closed_date=D(2009, 6, 29), acting_user=people["erin"])
    assert (item.status, item.closed_date, item.verifier, item.closed_late) == (
        RectificationItem.Status.CLOSED,
        D(2009, 6, 29),
        people["erin"],
        False,
    )
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RECTIFIED
    steps = [(h.status, h.history_user.username) for h in item.history.order_by("history_date", "history_id")]
    assert steps == [
        ("rectifying", "erin"),
        ("pending", "rita"),
        ("returned", "erin"),
        ("pending", "rita"),
        ("closed", "erin"),
    ]


def test_it_lets_nobody_else_perform_a_step(finding, people):
    item = _from_finding(finding, people)
    # Reporting is the responsible person's: not the auditor's, not a colleague's.
    with pytest.raises(PermissionDenied):
        rectification_report(item=item, progress="x", acting_user=people["erin"])
    # otto sees nothing of it (not his item, no grant): as if it did not exist.
    with pytest.raises(RectificationItem.DoesNotExist):
        rectification_report(item=item, progress="x", acting_user=people["otto"])
    with pytest.raises(ValidationError):
        rectification_report(item=item, progress="  ", acting_user=people["rita"])
    # Closing before the report is not a step the workflow has.
    with pytest.raises(LedgerChanged):
        rectification_close(item=item, acting_user=people["erin"])
    rectification_report(item=item, progress="已盘点", acting_user=people["rita"])
    # Verification is the audit department's (its item), within its grants.
    for name in ("rita", "sam", "lena"):
        with pytest.raises(PermissionDenied):
            rectification_close(item=item, acting_user=people[name])
    with pytest.raises(RectificationItem.DoesNotExist):
        rectification_close(item=item, acting_user=people["hank"])
    with pytest.raises(ValidationError):
        rectification_return(item=item, reason="", acting_user=people["erin"])
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.PENDING


def test_it_lets_no_responsible_person_verify_their_own_item(finding, people, tree):
    grant_create(user=people["rita"], role=Role.AUDIT, unit=tree["5100"])
    item = rectification_report(item=_from_finding(finding, people), progress="已盘点", acting_user=people["rita"])
    with pytest.raises(PermissionDenied):
        rectification_close(item=item, acting_user=people["rita"])


def test_it_opens_an_item_from_a_failed_inspection_only(people, tree):
    failed = InspectionFactory(unit=tree["5101"], date=D(2009, 5, 10), passed=False, note="内务台账缺失")
    item = rectification_create_from_inspection(
        inspection=failed,
        officer=people["rita_officer"],
        description="",
        measures="补建台账",
        deadline=D(2009, 7, 10),
        acting_user=people["sam"],
    )
    assert (item.source, item.department, item.unit, item.description) == (
        "inspection",
        "supervision",
        tree["5101"],
        "内务台账缺失",
    )
    assert list(failed.rectifications.all()) == [item]
    passed = InspectionFactory(unit=tree["5101"], date=D(2009, 5, 11), passed=True)
    with pytest.raises(ValidationError):
        rectification_create_from_inspection(
            inspection=passed,
            officer=people["rita_officer"],
            description="x",
            measures="y",
            deadline=D(2009, 7, 10),
            acting_user=people["sam"],
        )
    # Inspections are not the audit role's to read.
    other = InspectionFactory(unit=tree["5101"], date=D(2009, 5, 12), passed=False)
    with pytest.raises(other.DoesNotExist):
        rectification_create_from_inspection(
            inspection=other,
            officer=people["rita_officer"],
            description="x",
            measures="y",
            deadline=D(2009, 7, 10),
            acting_user=people["erin"],
        )


def test_it_opens_an_item_from_an_alert_closed_with_action_taken_only(people, tree):
    subject = OfficerFactory(unit=tree["5101"])
    alert = RiskAlertFactory(
        officer=subject, status=RiskAlert.Status.CLOSED, disposition=RiskAlert.Disposition.ACTION_TAKEN, note="已约谈"
    )
    item = rectification_create_from_alert(
        alert=alert,
        unit=tree["5101"],
        officer=people["rita_officer"],
        description="查验岗位轮岗不及时",
        measures="制定轮岗计划",
        deadline=D(2010, 3, 31),
        acting_user=people["sam"],
    )
    assert (item.source, item.department, item.alert) == ("alert", "supervision", alert)
    assert list(alert.rectifications.all()) == [item]
    no_issue = RiskAlertFactory(
        officer=OfficerFactory(unit=tree["5101"]),
        status=RiskAlert.Status.CLOSED,
        disposition=RiskAlert.Disposition.NO_ISSUE,
        note="无问题",
    )
    still_open = RiskAlertFactory(officer=OfficerFactory(unit=tree["5101"]))
    for other in (no_issue, still_open):
        with pytest.raises(ValidationError):
            rectification_create_from_alert(
                alert=other,
                unit=tree["5101"],
                officer=people["rita_officer"],
                description="x",
                measures="y",
                deadline=D(2010, 3, 31),
                acting_user=people["sam"],
            )
    # Alerts are need-to-know: the audit role cannot open an item from one.
    with pytest.raises(RiskAlert.DoesNotExist):
        rectification_create_from_alert(
            alert=alert,
            unit=tree["5101"],
            officer=people["rita_officer"],
            description="x",
            measures="y",
            deadline=D(2010, 3, 31),
            acting_user=people["erin"],
        )


def test_it_opens_an_item_by_hand_within_the_departments_grants(people, tree):
    item = rectification_create(
        department="supervision",
        unit=tree["5101"],
        officer=people["rita_officer"],
        description="公务用车登记不全",
        measures="完善登记",
        deadline=D(2009, 9, 30),
        acting_user=people["sam"],
    )
    assert (item.source, item.finding, item.inspection, item.alert) == ("manual", None, None, None)
    with pytest.raises(PermissionDenied):
        rectification_create(
            department="audit",
            unit=tree["0200"],
            officer=OfficerFactory(unit=tree["0200"]),
            description="x",
            measures="y",
            deadline=D(2009, 9, 30),
            acting_user=people["erin"],
        )
    # The responsible person works in the responsible unit's scope.
    with pytest.raises(ValidationError):
        rectification_create(
            department="audit",
            unit=tree["5101"],
            officer=OfficerFactory(unit=tree["5200"]),
            description="x",
            measures="y",
            deadline=D(2009, 9, 30),
            acting_user=people["erin"],
        )


@pytest.mark.parametrize(
    "days_left, colour",
    [
        (21, "green"),
        (20, "yellow"),
        (11, "yellow"),
        (10, "red"),
        (0, "red"),
        (-1, "red"),
    ],
)
def test_it_colours_a_deadline_at_the_boundaries(days_left, colour):
    today = D(2009, 6, 1)
    assert deadline_colour(today + dt.timedelta(days=days_left), today) == colour


def test_it_takes_the_colour_thresholds_from_the_settings(settings):
    settings.RECTIFICATION = {**settings.RECTIFICATION, "yellow_days": 30, "red_days": 5}
    today = D(2009, 6, 1)
    assert [deadline_colour(today + dt.timedelta(days=n), today) for n in (31, 30, 6, 5)] == [
        "green",
        "yellow",
        "yellow",
        "red",
    ]


def test_it_filters_by_colour_in_the_database_as_it_colours(people, tree):
    today = D(2009, 6, 1)
    for n in (21, 20, 11, 10, -3):
        rectification_create(
            department="audit",
            unit=tree["5101"],
            officer=people["rita_officer"],
            description=f"问题{n}",
            measures="m",
            deadline=today + dt.timedelta(days=n),
            acting_user=people["erin"],
        )
    by_colour = {
        colour: sorted(
            (i.deadline - today).days for i in RectificationItem.objects.filter(colour_deadlines(colour, today))
        )
        for colour in ("green", "yellow", "red")
    }
    assert by_colour == {"green": [21], "yellow": [11, 20], "red": [-3, 10]}
    assert all(i.colour(today) == deadline_colour(i.deadline, today) for i in RectificationItem.objects.all())


# --- The completion rate -----------------------------------------------------


def _item(unit, officer, deadline, closed=None):
    return RectificationItem.objects.create(
        source="manual",
        department="audit",
        unit=unit,
        officer=officer,
        description="d",
        measures="m",
        deadline=deadline,
        status="closed" if closed else "rectifying",
        closed_date=closed,
    )


@pytest.fixture
def ledger(tree):
    o = {code: OfficerFactory(unit=tree[code]) for code in ("5100", "5101", "5201", "0200")}
    _item(tree["5101"], o["5101"], D(2009, 3, 31), D(2009, 3, 30))  # on time
    _item(tree["5101"], o["5101"], D(2009, 6, 30), D(2009, 7, 5))  # closed late
    _item(tree["5101"], o["5101"], D(2009, 9, 30))  # still open
    _item(tree["5201"], o["5201"], D(2009, 5, 31), D(2009, 5, 31))  # on the day: on time
    _item(tree["0200"], o["0200"], D(2009, 4, 30), D(2009, 4, 1))  # on time, Tianjin
    _item(tree["5101"], o["5101"], D(2010, 1, 15), D(2009, 12, 1))  # due in 2010
    _item(tree["5100"], o["5100"], D(2008, 12, 31))  # due in 2008


def _rate(unit):
    figure = next(f for f in engine.compute(year=2009, unit=unit) if f.key == "rectification_completion_rate")
    return figure.numerator, figure.denominator, figure.met


def test_it_counts_the_completion_rate_at_a_unit(ledger, tree):
    # 5100's scope: the three 2009 items of 5101, one closed by its deadline.
    assert _rate(tree["5100"]) == (1, 3, False)
    assert _rate(tree["5101"]) == (1, 3, False)
    assert _rate(tree["0200"]) == (1, 1, True)


def test_it_counts_the_completion_rate_at_a_supervisory_office(ledger, tree):
    # 9100 supervises 5100 and 5200: 5101's three and 5201's one on-the-day closure.
    assert _rate(tree["9100"]) == (2, 4, False)
    # The whole service adds Tianjin's.
    assert _rate(tree["0000"]) == (3, 5, False)


def test_it_takes_the_completion_target_from_the_settings(ledger, tree, settings):
    settings.RECTIFICATION = {**settings.RECTIFICATION, "completion_target": 0.5}
    assert _rate(tree["9100"]) == (2, 4, True)
