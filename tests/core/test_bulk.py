"""core.bulk.update_rows: one statement whatever the number of rows, and rows
that read back exactly as ``save()`` would have written them (JSON with
Chinese text, dates, times, decimals, nullable keys), on SQLite and on
PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import update_rows
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
