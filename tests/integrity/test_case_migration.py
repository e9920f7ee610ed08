"""Migration integrity/0011: a case's category and status move to each
officer it names, with their history, and come back when reversed."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("integrity", "0010_alert_assignment_and_notes")]
AFTER = [("integrity", "0011_case_outcomes_per_officer")]

# Seconds per test: sent to a worker before the quick tests (tests/conftest.py).
pytestmark = pytest.mark.early


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The state at the targets comes from the migration graph, which
    # migrating does not change: the same loader answers it.
    return executor.loader.project_state(targets).apps


def _at(day):
    return timezone.make_aware(dt.datetime(2009, 1, day, 12))


@pytest.fixture
def old_shape(officers):
    """Two cases written in the old shape, one with history."""
    apps = _migrate(BEFORE)
    Case = apps.get_model("integrity", "Case")
    CaseOfficer = apps.get_model("integrity", "CaseOfficer")
    HistoricalCase = apps.get_model("integrity", "HistoricalCase")
    HistoricalCaseOfficer = apps.get_model("integrity", "HistoricalCaseOfficer")
    a, b, c = (officers[code].pk for code in ("5100", "5101", "5200"))

    # AJ1 opened as discipline on day 1, found to be a crime and concluded
    # on day 3; its first officer was named on day 2, its second on day 4.
    aj1 = Case.objects.create(case_no="AJ1", opened_date=dt.date(2009, 1, 1), category="crime", status="concluded")
    first = CaseOfficer.objects.create(case=aj1, officer_id=a, sanction="")
    second = CaseOfficer.objects.create(case=aj1, officer_id=b, sanction="开除")
    for day, category, status, kind in ((1, "discipline", "open", "+"), (3, "crime", "concluded", "~")):
        HistoricalCase.objects.create(
            id=aj1.pk,
            case_no="AJ1",
            opened_date=aj1.opened_date,
            category=category,
            status=status,
            history_date=_at(day),
            history_type=kind,
        )
    for link, day in ((first, 2), (second, 4)):
        HistoricalCaseOfficer.objects.create(
            id=link.pk,
            case_id=aj1.pk,
            officer_id=link.officer_id,
            sanction=link.sanction,
            history_date=_at(day),
            history_type="+",
        )
    # AJ2 was bulk-loaded without a history of its own.
    aj2 = Case.objects.create(case_no="AJ2", opened_date=dt.date(2009, 2, 1), category="violation", status="open")
    third = CaseOfficer.objects.create(case=aj2, officer_id=c)
    HistoricalCaseOfficer.objects.create(
        id=third.pk, case_id=aj2.pk, officer_id=c, sanction="", history_date=_at(5), history_type="+"
    )
    yield {"a": a, "b": b, "c": c}
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_carries_each_cases_outcome_to_its_officers_and_back(old_shape):
    a, b, c = old_shape["a"], old_shape["b"], old_shape["c"]
    apps = _migrate(AFTER)
    Case = apps.get_model("integrity", "Case")
    CaseOfficer = apps.get_model("integrity", "CaseOfficer")
    HistoricalCaseOfficer = apps.get_model("integrity", "HistoricalCaseOfficer")

    # Every officer gets the values their case has.
    links = CaseOfficer.objects.order_by("case__case_no", "officer_id")
    assert list(links.values_list("case__case_no", "officer_id", "category", "status", "sanction")) == [
        ("AJ1", a, "crime", "concluded", ""),
        ("AJ1", b, "crime", "concluded", "开除"),
        ("AJ2", c, "violation", "open", ""),
    ]
    assert list(Case.objects.order_by("case_no").values_list("case_no", "unit", "summary")) == [
        ("AJ1", None, ""),
        ("AJ2", None, ""),
    ]
    # Their history says what the case said when it was written: the first
    # officer was named while AJ1 was still an open discipline case.
    history = HistoricalCaseOfficer.objects.order_by("history_date")
    assert list(history.values_list("officer_id", "category", "status")) == [
        (a, "discipline", "open"),
        (b, "crime", "concluded"),
        (c, "violation", "open"),
    ]

    # The officers' outcomes then part ways.
    CaseOfficer.objects.filter(officer_id=a).update(category="violation", status="investigating")
    CaseOfficer.objects.filter(officer_id=b).update(category="crime", status="closed")

    apps = _migrate(BEFORE)
    Case = apps.get_model("integrity", "Case")
    HistoricalCase = apps.get_model("integrity", "HistoricalCase")
    # Reversed, a case takes its gravest category and least advanced status.
    assert list(Case.objects.order_by("case_no").values_list("case_no", "category", "status")) == [
        ("AJ1", "crime", "investigating"),
        ("AJ2", "violation", "open"),
    ]
    assert set(HistoricalCase.objects.values_list("category", "status")) == {("crime", "investigating")}
