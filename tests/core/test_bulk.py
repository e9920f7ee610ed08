"""core.bulk: one statement whatever the number of rows, and rows that read
back exactly as ``save()`` would have written them (JSON with Chinese text,
dates, times, decimals, nullable keys), history rows included, on SQLite and
on PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from core.bulk import history_rows, insert_rows, update_rows
from integrity.models import RiskAlert
from tests.factories import OfficerFactory
from tests.integrity.factories import RiskAlertFactory
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

FIELDS = ["facts", "score", "score_arithmetic", "as_of", "closed_at", "reviewer", "due_date", "note"]


def stored(model, pks, fields):
    return list(model.objects.filter(pk__in=pks).order_by("pk").values_list(*fields))


def raw_facts(alerts):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT facts FROM {RiskAlert._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(alerts))}) ORDER BY id",
            [a.pk for a in alerts],
        )
        return [row[0] for row in cursor.fetchall()]


def alerts_of(tree, n, **fields):
    return [RiskAlertFactory(officer=OfficerFactory(unit=tree["5101"]), **fields) for _ in range(n)]


def changed_alerts(tree, n, bob):
    alerts = alerts_of(tree, n)
    at = dt.datetime(2010, 3, 4, 5, 6, 7, 123456, tzinfo=dt.UTC)
    for i, alert in enumerate(alerts):
        alert.facts = [f"广州海关 第{i}条", 'quote " and backslash \\', {"n": i, "none": None}]
        alert.score = 40 + i
        alert.score_arithmetic = f"rotation_overdue 40 + {i}"
        alert.as_of = dt.date(2010, 1, 1) + dt.timedelta(days=i)
        alert.closed_at = at if i % 2 else None
        alert.reviewer = bob if i % 2 else None
        alert.due_date = None if i % 2 else dt.date(2010, 2, 1)
        alert.note = "" if i % 2 else "核实"
    return alerts


@pytest.mark.parametrize("n", [1, 40])
def test_it_writes_what_save_would_in_one_statement(tree, bob, n):
    alerts = changed_alerts(tree, n, bob)
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(RiskAlert, alerts, FIELDS) == n
    assert len(queries) == 1
    written = stored(RiskAlert, [a.pk for a in alerts], FIELDS)
    # The same changes through save(), on twins of the rows.
    twins = changed_alerts(tree, n, bob)
    for twin in twins:
        twin.save()
    assert written == stored(RiskAlert, [t.pk for t in twins], FIELDS)
    # Byte for byte as stored (SQLite keeps the JSON text as written).
    assert raw_facts(alerts) == raw_facts(twins)
    assert written[0][0] == ["广州海关 第0条", 'quote " and backslash \\', {"n": 0, "none": None}]
    assert written[0][3] == dt.date(2010, 1, 1)


def test_it_leaves_the_other_fields_and_rows_alone(tree):
    alerts = alerts_of(tree, 3, status="open")
    alerts[0].score, alerts[0].status = 99, "in_review"
    update_rows(RiskAlert, alerts[:1], ["score"])
    assert stored(RiskAlert, [a.pk for a in alerts], ["score", "status"]) == [(99, "open"), (30, "open"), (30, "open")]


def test_it_writes_decimals_and_writes_nothing_for_no_rows(tree):
    record = TrainingRecord.objects.create(
        officer=OfficerFactory(unit=tree["5101"]),
        course="业务培训",
        start_date=dt.date(2009, 4, 1),
        end_date=dt.date(2009, 4, 3),
        days=Decimal("3"),
        mode="in_service",
    )
    record.days = Decimal("2.5")
    update_rows(TrainingRecord, [record], ["days"])
    assert TrainingRecord.objects.get(pk=record.pk).days == Decimal("2.5")
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(TrainingRecord, [], ["days"]) == 0
    assert len(queries) == 0


def comparable(model, pks, exclude=("id",)):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
    return stored(model, pks, fields)


@pytest.mark.parametrize("n", [1, 40])
def test_it_inserts_what_save_would_in_one_statement(tree, bob, n):
    officers = [OfficerFactory(unit=tree["5101"]) for _ in range(n)]
    alerts = changed_alerts(tree, n, bob)
    for alert, officer in zip(alerts, officers, strict=True):
        alert.pk, alert.officer = None, officer
    with CaptureQueriesContext(connection) as queries:
        inserted = insert_rows(RiskAlert, alerts, returning=["id", "officer_id"])
    assert len(queries) == 1
    ids = dict((officer, pk) for pk, officer in inserted)
    assert sorted(ids) == sorted(o.pk for o in officers)
    twins = changed_alerts(tree, n, bob)
    for twin, officer in zip(twins, officers, strict=True):
        twin.pk, twin.officer, twin.rule = None, officer, "rotation_overdue"
        twin.save()
    pks = [ids[o.pk] for o in officers]
    written = comparable(RiskAlert, pks, exclude=("id", "rule"))
    assert written == comparable(RiskAlert, [t.pk for t in twins], exclude=("id", "rule"))
    assert raw_facts([RiskAlert(pk=pk) for pk in pks]) == raw_facts(twins)


HISTORY_SET_BY_THE_WRITE = ("history_id", "history_date")


def history_of(alert) -> list[dict]:
    rows = alert.history.order_by("history_id").values()
    return [{k: v for k, v in row.items() if k not in HISTORY_SET_BY_THE_WRITE} for row in rows]


def test_its_history_rows_are_those_save_writes(tree, bob, dora, rf):
    history = RiskAlert.history.model
    (alert,) = alerts_of(tree, 1)
    # Raised by the factory's save() ("+"), no user, no reason; the same row again.
    insert_rows(history, history_rows(RiskAlert, [alert], history_type="+"))
    # Changed by a reviewer's save() ("~"), with user and reason; the same row again.
    alert.score, alert.status, alert.reviewer = 70, "in_review", bob
    alert._history_user, alert._change_reason = bob, "开始核查"
    alert.save()
    insert_rows(history, history_rows(RiskAlert, [alert], history_type="~"))
    # Changed while a request is answered: its user, as the middleware sets it.
    del alert._history_user, alert._change_reason
    alert.score = 80
    request = rf.get("/")
    request.user = dora
    HistoricalRecords.context.request = request
    try:
        alert.save()
        insert_rows(history, history_rows(RiskAlert, [alert], history_type="~"))
    finally:
        del HistoricalRecords.context.request
    rows = history_of(alert)
    assert rows[0] == rows[1]
    assert rows[2] == rows[3]
    assert rows[4] == rows[5]
    assert [(r["history_type"], r["history_user_id"], r["history_change_reason"], r["score"]) for r in rows[::2]] == [
        ("+", None, None, 30),
        ("~", bob.pk, "开始核查", 70),
        ("~", dora.pk, None, 80),
    ]
