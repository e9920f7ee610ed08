"""The number of queries never depends on how many units or officers there are."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import indicators as engine
from org.models import Unit
from org.services import unit_scope_rebuild
from personnel.models import Officer, Posting, ReserveCadre
from tests.factories import OfficerFactory, UnitFactory
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

D = dt.date
MINE = [
    "training_days_12",
    "leader_fulltime_training_5y",
    "reserve_two_leadership_posts",
    "reserve_grassroots",
    "leadership_team_age",
]


def grow(tree, units: int, officers_per_unit: int):
    """Add subordinate customs under the Guangdong customs, each with
    officers who have training, postings and reserve entries."""
    for n in range(units):
        parent = tree["5100"] if n % 2 else tree["5200"]
        unit = UnitFactory(code=f"G{n:03d}", kind=Unit.Kind.SUBORDINATE, parent=parent)
        for i in range(officers_per_unit):
            officer = OfficerFactory(
                unit=unit if i else parent,
                is_leader=i % 3 == 0,
                rank_level=Officer.RankLevel.DIVISION if i % 3 == 0 else Officer.RankLevel.CLERK,
                birth_date=D(1950 + i % 20, 1 + i % 12, 1),
            )
            TrainingRecord.objects.bulk_create(
                TrainingRecord(
                    officer=officer,
                    course=f"c{k}",
                    start_date=D(2005 + k, 3, 1),
                    end_date=D(2005 + k, 3, 20),
                    days=Decimal(4 + k + i % 5),
                    mode="full_time" if k % 2 else "in_service",
                )
                for k in range(5)
            )
            Posting.objects.bulk_create(
                Posting(
                    officer=officer,
                    unit=unit,
                    position=f"p{k}",
                    start_date=D(2000 + k, 1, 1),
                    leadership=bool(k % 2),
                    grassroots=k == 0,
                )
                for k in range(3)
            )
            if i % 4 == 0:
                ReserveCadre.objects.create(officer=officer, level="bureau", added_date=D(2007, 1, 1))
    unit_scope_rebuild()


def queries_of(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def query_counts(tree):
    hq, office = tree["0000"], tree["9100"]
    counts = {}
    for key in MINE:
        indicator = engine.get(key)
        counts[(key, "counts")] = queries_of(
            lambda indicator=indicator: indicator.counts(
                year=2009, roots=Unit.objects.filter(code__in=["5100", "5200", "9100"])
            )
        )
        counts[(key, "breakdown")] = queries_of(
            lambda indicator=indicator: engine.breakdown(indicator, year=2009, unit=hq)
        )
        counts[(key, "breakdown of an office")] = queries_of(
            lambda indicator=indicator: engine.breakdown(indicator, year=2009, unit=office)
        )
        counts[(key, "members")] = queries_of(lambda indicator=indicator: list(indicator.members(year=2009, root=hq)))
    counts["compute"] = queries_of(lambda: engine.compute(year=2009, unit=office))
    counts["compute national"] = queries_of(lambda: engine.compute(year=2009))
    return counts


def test_it_uses_the_same_queries_for_a_small_and_a_larger_service(tree, officers):
    engine.indicators()  # import the definitions outside the measurement
    small = query_counts(tree)
    grow(tree, units=12, officers_per_unit=9)
    assert Officer.objects.count() > 100
    large = query_counts(tree)
    assert large == small
    for key in MINE:
        # One grouped query per indicator, however many roots.
        assert small[(key, "counts")] == 1
        # The list of roots, then one grouped query.
        assert small[(key, "breakdown")] == 2
        assert small[(key, "members")] == 1


def test_it_counts_each_scope_in_one_query(tree, officers, django_assert_num_queries):
    engine.indicators()
    grow(tree, units=4, officers_per_unit=6)
    for key in MINE:
        with django_assert_num_queries(1):
            engine.get(key).counts(year=2009, roots=Unit.objects.all())


def test_it_answers_every_root_of_a_breakdown_as_its_own_scope(tree, officers, counted):
    """One grouped query for many roots gives each root what it gives alone."""
    grow(tree, units=6, officers_per_unit=7)
    for key in MINE:
        for year in (2007, 2009):
            together = dict(
                (unit.code, (figure.numerator, figure.denominator))
                for unit, figure in engine.breakdown(engine.get(key), year=year)
            )
            alone = {code: counted(key, year, code) for code in together}
            assert together == alone
            assert sum(den for _, den in together.values()) > 0  # the data reaches every indicator
