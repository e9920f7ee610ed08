"""The scan: scores with their arithmetic, rescans without duplicates, and
the ``scan_risks`` command's JSON (shared/spec/commands.md)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from integrity import risk
from integrity.models import Complaint, RiskAlert
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


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_rescan_that_finds_what_the_alerts_say_writes_nothing(two_risks):
    risk.scan(as_of=D)
    with CaptureQueriesContext(connection) as queries:
        again = risk.scan(as_of=D)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert writes(queries) == []


def test_it_writes_history_rows_as_a_save_would(two_risks):
    wang, _li = two_risks
    risk.scan(as_of=D)
    later = D + dt.timedelta(days=1)
    risk.scan(as_of=later)
    complaints = RiskAlert.objects.get(rule="repeated_complaints", officer=wang)
    rotation = RiskAlert.objects.get(rule="rotation_overdue", officer=wang)
    fields = ("history_type", "history_user", "history_change_reason", "status", "version", "raised_on", "as_of")
    # Raised ("+"), then the facts changed with the window ("~"): the old
    # facts stay in the first row. No user (no request), no change reason.
    rows = list(complaints.history.order_by("history_date", "history_id"))
    assert [tuple(getattr(r, f) for f in fields) for r in rows] == [
        ("+", None, None, "open", 1, D, D),
        ("~", None, None, "open", 1, D, later),
    ]
    assert rows[0].facts[0].endswith("from 2008-12-16 to 2009-12-15 (complaints found unsubstantiated not counted)")
    assert rows[1].facts == complaints.facts
    assert rows[1].facts[0].endswith("from 2008-12-17 to 2009-12-16 (complaints found unsubstantiated not counted)")
    # 6.9 years on both days: only the last scan date moves, without history.
    assert [tuple(getattr(r, f) for f in fields) for r in rotation.history.all()] == [
        ("+", None, None, "open", 1, D, D)
    ]
    assert rotation.as_of == later
    # Every tracked field of the history row is the alert's.
    current = complaints.history.latest("history_date")
    for f in RiskAlert._meta.concrete_fields:
        assert getattr(current, f.attname) == getattr(complaints, f.attname), f.name


def test_it_leaves_an_alert_whose_rule_stopped_firing_as_it_is(two_risks):
    _wang, li = two_risks
    risk.scan(as_of=D)
    before = RiskAlert.objects.values().get(officer=li)
    Complaint.objects.filter(officer=li, received_date=dt.date(2009, 3, 1)).delete()
    later = risk.scan(as_of=D + dt.timedelta(days=1))
    assert (later.created, later.updated, later.unchanged) == (0, 1, 1)  # 王's complaints, 王's rotation
    # Not even its last scan date: the last scan that saw it stays D.
    assert RiskAlert.objects.values().get(officer=li) == before
    assert RiskAlert.objects.get(officer=li).history.count() == 1


def officers_at_risk(tree, n):
    """``n`` officers, each overdue in a high-risk post and with two
    complaints: two alerts each."""
    for i in range(n):
        officer = OfficerFactory(unit=tree["5101"], staff_no=f"GZ{i:04d}")
        PostingFactory(officer=officer, unit=tree["5101"], post_risk="high", start_date=dt.date(2003, 2, 1))
        ComplaintFactory(officer=officer, received_date=dt.date(2009, 3, 1))
        ComplaintFactory(officer=officer, received_date=dt.date(2009, 9, 1))


def scan_queries(as_of) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        risk.scan(as_of=as_of)
    return len(queries), len(writes(queries))


@pytest.mark.parametrize("n", [2, 20])
def test_it_scans_in_a_fixed_number_of_queries_however_many_alerts(tree, n):
    officers_at_risk(tree, n)
    # Savepoint and release; the rules: rotation 1, complaints 1,
    # enforcement 2 (customs, ratios), unit case rate 2 (named, on the
    # roll); the alerts they may concern 1. Then the writes.
    first = scan_queries(D)
    assert RiskAlert.objects.count() == 2 * n
    assert RiskAlert.history.count() == 2 * n
    # Raised: the alerts, their history rows.
    assert first == (9 + 2, 2)
    # Nothing changed: nothing written.
    assert scan_queries(D) == (9, 0)
    # Next day: the complaints' window moves (facts and their history rows),
    # the rotations are seen again unchanged (their last scan date).
    assert scan_queries(D + dt.timedelta(days=1)) == (9 + 3, 3)
    assert RiskAlert.history.count() == 3 * n


def test_it_analyzes_the_alert_tables_after_a_large_write_on_postgresql(two_risks, monkeypatch):
    def analyzed(as_of):
        with CaptureQueriesContext(connection) as queries:
            risk.scan(as_of=as_of)
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]

    monkeypatch.setattr(risk, "ANALYZE_AFTER_ROWS", 3)
    expected = (
        ['ANALYZE "integrity_riskalert", "integrity_historicalriskalert"'] if connection.vendor == "postgresql" else []
    )
    assert analyzed(D) == expected  # 3 raised
    assert analyzed(D + dt.timedelta(days=1)) == []  # 2 changed


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
