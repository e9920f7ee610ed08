"""The scan: scores with their arithmetic, rescans without duplicates, and
the ``scan_risks`` command's JSON (shared/spec/commands.md)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from integrity import risk
from integrity.models import RiskAlert
from integrity.services import alert_close, alert_start_review
from personnel.models import Posting
from tests.factories import OfficerFactory, PostingFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
D = dt.date(2009, 12, 15)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def two_risks(tree):
    """王: overdue rotation and two complaints; 李: two complaints only."""
    wang = OfficerFactory(unit=tree["5101"], staff_no="GZ0001", name="王")
    PostingFactory(
        officer=wang,
        unit=tree["5101"],
        position="查验岗",
        post_risk=Posting.PostRisk.HIGH,
        start_date=dt.date(2003, 2, 1),
    )
    li = OfficerFactory(unit=tree["5201"], staff_no="SZ0001", name="李")
    for officer in (wang, li):
        ComplaintFactory(officer=officer, received_date=dt.date(2009, 3, 1))
        ComplaintFactory(officer=officer, received_date=dt.date(2009, 9, 1), substantiated=True)
    return wang, li


def test_it_scores_an_officer_by_the_weighted_sum_of_rules_fired(two_risks):
    wang, li = two_risks
    result = risk.scan(as_of=D)
    assert (result.created, result.updated) == (3, 0)
    rows = set(RiskAlert.objects.values_list("rule", "officer__staff_no", "score", "score_arithmetic", "status"))
    assert rows == {
        ("rotation_overdue", "GZ0001", 70, "rotation_overdue 40 + repeated_complaints 30 = 70", "open"),
        ("repeated_complaints", "GZ0001", 70, "rotation_overdue 40 + repeated_complaints 30 = 70", "open"),
        ("repeated_complaints", "SZ0001", 30, "repeated_complaints 30 = 30", "open"),
    }


def test_it_updates_open_alerts_on_a_rescan_and_never_duplicates_them(two_risks, bob):
    wang, _li = two_risks
    risk.scan(as_of=D)
    again = risk.scan(as_of=D)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    alert = RiskAlert.objects.get(rule="repeated_complaints", officer=wang)
    alert_start_review(alert=alert, version=alert.version, acting_user=bob)
    # A later scan moves the complaints window: the facts change in place.
    later = risk.scan(as_of=D + dt.timedelta(days=1))
    assert (later.created, later.updated) == (0, 2)
    assert RiskAlert.objects.count() == 3
    alert.refresh_from_db()
    assert alert.status == "in_review"
    assert alert.facts[0] == (
        "2 complaints received from 2008-12-17 to 2009-12-16 (complaints found unsubstantiated not counted)"
    )
    assert alert.as_of == D + dt.timedelta(days=1)
    assert alert.history.count() == 3  # raised, review started, facts updated


def test_it_refuses_a_second_active_alert_for_one_rule_and_subject_in_the_database(tree):
    officer = OfficerFactory(unit=tree["5101"])
    RiskAlert.objects.create(
        rule="repeated_complaints", officer=officer, score=30, score_arithmetic="x", raised_on=D, as_of=D
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskAlert.objects.create(
            rule="repeated_complaints",
            officer=officer,
            score=30,
            score_arithmetic="x",
            raised_on=D,
            as_of=D,
            status="in_review",
        )


def test_it_does_not_reraise_a_recently_closed_alert_but_does_after_the_quiet_period(two_risks, bob):
    _wang, li = two_risks
    risk.scan(as_of=D)
    alert = RiskAlert.objects.get(officer=li)
    alert = alert_start_review(alert=alert, version=alert.version, acting_user=bob)
    alert_close(alert=alert, version=alert.version, disposition="no_issue", note="已核实，投诉不实", acting_user=bob)
    quiet = risk.scan(as_of=D + dt.timedelta(days=30))
    assert quiet.suppressed == 1
    assert RiskAlert.objects.filter(officer=li).count() == 1
    # 91 days after the last scan that saw it, with the complaints of
    # 2009-09-01 and a new one still inside the window.
    ComplaintFactory(officer=li, received_date=dt.date(2010, 2, 1))
    risk.scan(as_of=D + dt.timedelta(days=91))
    assert list(RiskAlert.objects.filter(officer=li).values_list("status", flat=True).order_by("pk")) == [
        "closed",
        "open",
    ]


def test_it_prints_the_open_alerts_as_json(two_risks, tree):
    out, err = io.StringIO(), io.StringIO()
    call_command("scan_risks", "--as-of", "2009-12-15", "--format", "json", stdout=out, stderr=err)
    alerts = json.loads(out.getvalue())
    # Highest score first, then by rule name.
    assert alerts == [
        {
            "rule": "repeated_complaints",
            "subject_type": "officer",
            "subject": "GZ0001",
            "score": 70,
            "facts": [
                "2 complaints received from 2008-12-16 to 2009-12-15 (complaints found unsubstantiated not counted)",
                "complaint received 2009-03-01, not yet known",
                "complaint received 2009-09-01, substantiated",
            ],
            "status": "open",
        },
        {
            "rule": "rotation_overdue",
            "subject_type": "officer",
            "subject": "GZ0001",
            "score": 70,
            "facts": ["posting at 黄埔海关 (查验岗), high-risk, since 2003-02-01: 6.9 years"],
            "status": "open",
        },
        {
            "rule": "repeated_complaints",
            "subject_type": "officer",
            "subject": "SZ0001",
            "score": 30,
            "facts": [
                "2 complaints received from 2008-12-16 to 2009-12-15 (complaints found unsubstantiated not counted)",
                "complaint received 2009-03-01, not yet known",
                "complaint received 2009-09-01, substantiated",
            ],
            "status": "open",
        },
    ]
    assert "3 raised" in err.getvalue()


def test_it_reports_a_unit_alert_by_unit_code(tree):
    from personnel.models import Officer

    Officer.objects.bulk_create(
        [
            Officer(
                staff_no=f"TJ{i:03d}",
                name=f"关员{i}",
                gender="M",
                birth_date=dt.date(1980, 1, 1),
                unit=tree["0200"],
                rank_level="clerk",
                hire_date=dt.date(2005, 1, 1),
            )
            for i in range(100)
        ]
    )
    from .factories import case_naming

    case_naming(Officer.objects.get(staff_no="TJ000"), opened_date=dt.date(2009, 7, 1))
    out = io.StringIO()
    call_command("scan_risks", "--as-of", "2009-12-15", "--format", "json", stdout=out, stderr=io.StringIO())
    (alert,) = json.loads(out.getvalue())
    assert (alert["rule"], alert["subject_type"], alert["subject"], alert["score"]) == (
        "unit_case_rate",
        "unit",
        "0200",
        50,
    )
    assert alert["facts"][-1] == "case rate 1.00% (1 / 100), above 0.40%"


def test_it_rejects_a_malformed_date(tree):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("scan_risks", "--as-of", "2009-13-01", stdout=io.StringIO(), stderr=io.StringIO())
