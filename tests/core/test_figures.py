"""The figure snapshot (core/figures.py) answers exactly what the live
definitions count, for every unit and year of a generated service, before
and after records of every counted kind change by every kind of write
(ORM save, queryset update and delete, bulk_create, raw SQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from audit.models import Audit, InternalControl, RectificationItem
from core import figures
from core import indicators as engine
from core.models import FigureSnapshot, FigureStale
from integrity.models import Case, CaseOfficer, Inspection, IntegrityAppraisal, RiskPoint, Survey
from org.models import Unit
from org.services import unit_scope_rebuild
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from tests.conftest import SMALL_DEMO_YEAR
from training.models import PoliticalWork, TrainingRecord

pytestmark = pytest.mark.django_db

YEARS = list(range(SMALL_DEMO_YEAR - 5, SMALL_DEMO_YEAR + 2))


@pytest.fixture
def demo(small_demo, db):
    return small_demo


def cells() -> set[tuple[int, int]]:
    return {(unit, year) for unit in Unit.objects.values_list("pk", flat=True) for year in YEARS}


def live() -> dict:
    units = list(Unit.objects.values_list("pk", flat=True))
    out = {}
    for indicator in engine.indicators():
        for year in YEARS:
            counts = indicator.counts(year=year, roots=Unit.objects.all())
            for unit in units:
                out[indicator.key, unit, year] = indicator.figure(*counts.get(unit, (0, 0)))
    return out


def assert_snapshot_is_live():
    expected = live()
    got = figures.read(engine.indicators(), cells())
    differ = {cell: (got[cell], figure) for cell, figure in expected.items() if got[cell] != figure}
    assert differ == {}
    # Every figure is now stored, and a marker-free read recomputes nothing.
    assert FigureSnapshot.objects.count() == len(expected)
    assert not FigureStale.objects.exists()


def first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def change_every_kind():
    year = SMALL_DEMO_YEAR
    # Training: a save, a queryset update, a delete, a bulk insert.
    record = first(TrainingRecord, start_date__year=year)
    record.days = record.days + Decimal("15")
    record.save()
    TrainingRecord.objects.filter(
        pk__in=TrainingRecord.objects.filter(start_date__year=year - 1).values("pk")[:5]
    ).update(days=Decimal("0.5"))
    TrainingRecord.objects.filter(pk=first(TrainingRecord, start_date__year=year - 2).pk).delete()
    copies = list(TrainingRecord.objects.filter(start_date__year=year).order_by("pk")[:3])
    others = list(Officer.objects.order_by("-pk")[:3])
    for copy, officer in zip(copies, others, strict=True):
        copy.pk, copy.officer, copy.mode = None, officer, TrainingRecord.Mode.FULL_TIME
        copy.days = Decimal("90")
    TrainingRecord.objects.bulk_create(copies)
    work = first(PoliticalWork)
    work.pk, work.unit = None, first(Unit, kind=Unit.Kind.SUBORDINATE)
    work.save()
    # People: an officer moves and another leaves; postings, reserve, appraisals.
    mover = first(Officer, is_leader=True)
    mover.unit = Unit.objects.exclude(pk=mover.unit_id).filter(kind=Unit.Kind.DIRECT).order_by("-code").first()
    mover.save()
    Officer.objects.filter(pk=Officer.objects.order_by("-pk")[4].pk).update(leave_date=dt.date(year - 1, 6, 30))
    Posting.objects.filter(pk__in=Posting.objects.order_by("pk").values("pk")[:20]).update(leadership=True)
    ReserveCadre.objects.create(officer=mover, level=ReserveCadre.Level.BUREAU, added_date=dt.date(year - 2, 1, 1))
    LeaderAppraisal.objects.update_or_create(
        officer=mover, year=year, defaults={"grade": LeaderAppraisal.Grade.values[0], "score": Decimal("80")}
    )
    # Supervision: a case's date, a person named, appraisals, surveys,
    # inspections, a risk point reviewed.
    Case.objects.filter(pk=first(Case).pk).update(opened_date=dt.date(year, 2, 1))
    case = first(Case)
    named = (
        Officer.objects.exclude(pk__in=CaseOfficer.objects.filter(case=case).values("officer")).order_by("pk").first()
    )
    CaseOfficer.objects.create(case=case, officer=named)
    IntegrityAppraisal.objects.filter(pk=first(IntegrityAppraisal, year=year).pk).update(result="fail")
    Survey.objects.filter(pk=first(Survey, year=year).pk).update(satisfied=F("satisfied") - 1)
    Inspection.objects.filter(pk=first(Inspection, date__year=year).pk).update(passed=False)
    point = first(RiskPoint)
    point.last_reviewed = dt.date(year, 5, 5)
    point.save()
    # Audit: an audit, an internal control and a rectification item.
    Audit.objects.filter(pk=first(Audit).pk).update(completed_date=dt.date(year, 3, 3))
    InternalControl.objects.filter(pk=first(InternalControl).pk).delete()
    item = first(RectificationItem)
    if item is not None:
        RectificationItem.objects.filter(pk=item.pk).update(deadline=dt.date(year, 1, 15))
    # Raw SQL bypasses the ORM altogether.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TrainingRecord._meta.db_table} SET days = 1 WHERE id = %s",
            [first(TrainingRecord, start_date__year=year - 3).pk],
        )
    # The unit tree: a subordinate customs moves to another customs.
    sub = first(Unit, kind=Unit.Kind.SUBORDINATE)
    sub.parent = Unit.objects.filter(kind=Unit.Kind.DIRECT).exclude(pk=sub.parent_id).order_by("-code").first()
    sub.save()
    unit_scope_rebuild()


def test_it_answers_every_unit_and_year_as_the_live_definitions_before_and_after_every_kind_of_write(demo):
    assert_snapshot_is_live()
    change_every_kind()
    assert FigureStale.objects.exists()
    assert_snapshot_is_live()


def test_it_recomputes_only_what_a_write_touched(demo, django_assert_num_queries):
    assert_snapshot_is_live()
    record = first(TrainingRecord, start_date__year=SMALL_DEMO_YEAR)
    record.days = record.days + 1
    record.save()
    # The officer's unit and the scope roots above it, from that year on.
    roots = set(record.officer.unit.scope_roots.values_list("root", flat=True))
    kept = FigureSnapshot.objects.count()
    figures.apply_markers()
    stale = len(engine.indicators()) * len(roots) * len([y for y in YEARS if y >= SMALL_DEMO_YEAR])
    assert FigureSnapshot.objects.count() == kept - stale
    assert_snapshot_is_live()


def test_it_counts_live_for_a_reader_named_in_a_case_and_stores_nothing_for_them(demo, django_user_model):
    case_rate = engine.get("case_involvement_rate")
    link = first(CaseOfficer)
    reader = django_user_model.objects.create_user("named", password="x")
    Officer.objects.filter(pk=link.officer_id).update(user=reader)
    hq = engine.national_root()
    year = link.case.opened_date.year
    bound = case_rate.for_reader(reader)
    assert not bound.counts_for_everyone()
    got = figures.read([bound], {(hq.pk, year)})[case_rate.key, hq.pk, year]
    assert got == bound.figure(*bound.counts(year=year, roots=Unit.objects.filter(pk=hq.pk))[hq.pk])
    assert got.numerator < case_rate.counts(year=year, roots=Unit.objects.filter(pk=hq.pk))[hq.pk][0]
    assert not FigureSnapshot.objects.filter(key=case_rate.key).exists()
