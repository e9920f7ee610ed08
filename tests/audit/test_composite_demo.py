"""The composite assessment on the demo service (fixtures/): all 42
directly-affiliated customs ranked, and one new record moving one customs
exactly as the formula in docs/composite.md says."""

import datetime as dt
from fractions import Fraction

import pytest

from audit import composite
from audit.models import InternalControl
from core import indicators as engine
from org.models import Unit, UnitScope
from tests.conftest import SMALL_DEMO_YEAR

pytestmark = pytest.mark.django_db

YEAR = SMALL_DEMO_YEAR


@pytest.fixture
def demo(small_demo, db):
    """The 100-officer demo service, loaded once (tests/conftest.py)."""
    return Unit.objects.get(kind=Unit.Kind.HQ)


def test_it_ranks_every_customs_of_the_demo_service_and_moves_one_by_the_formula(demo):
    customs = composite.customs_in(demo)
    before = composite.assess(year=YEAR, customs=customs, access=None)
    assert len(before) == Unit.objects.filter(kind=Unit.Kind.DIRECT).count() == 42
    assert [row.rank for row in before] == list(range(1, 43))
    assert all((a.composite, a.met) >= (b.composite, b.met) for a, b in zip(before, before[1:], strict=False)), (
        "ranked by composite, then targets met"
    )

    # The lowest-ranked customs without an internal control establishes one
    # in YEAR. Its control score goes from k/n ÷ 0.9 to (k+1)/n ÷ 0.9 (at
    # most 1), n being the customs in its subtree (itself and its subordinate
    # customs).
    controlled = set(InternalControl.objects.values_list("unit", flat=True))
    last = next(row for row in reversed(before) if row.unit.pk not in controlled)
    keys = [f.key for f in last.figures]
    ic = keys.index("internal_control_rate")
    n = UnitScope.objects.filter(root=last.unit, unit__kind__in=["direct", "subordinate"]).count()
    k = last.figures[ic].numerator
    assert last.figures[ic].denominator == n
    weights = {indicator.key: indicator.composite_weight() for indicator in engine.indicators()}
    with_data = [key for key, score in zip(keys, last.scores, strict=True) if score is not None]
    new_ic_score = min(Fraction(k + 1, n) / Fraction("0.9"), Fraction(1))
    expected = (
        100
        * (
            sum(
                weights[key] * score
                for key, score in zip(keys, last.scores, strict=True)
                if score is not None and key != "internal_control_rate"
            )
            + weights["internal_control_rate"] * new_ic_score
        )
        / sum(weights[key] for key in with_data)
    )

    InternalControl.objects.create(unit=last.unit, established_date=dt.date(YEAR, 6, 1))
    after = composite.assess(year=YEAR, customs=customs, access=None)
    moved = next(row for row in after if row.unit == last.unit)
    assert moved.composite == expected > last.composite
    others = [row for row in before if row.unit != last.unit]
    met = last.met + (1 if Fraction(k + 1, n) >= Fraction("0.9") and not last.figures[ic].met else 0)
    ahead = sum(
        1 for row in others if (row.composite, row.met, -int(row.unit.code)) > (expected, met, -int(last.unit.code))
    )
    assert moved.rank == ahead + 1 < last.rank
    # Nobody else's score changed.
    assert {row.unit.code: row.composite for row in after if row.unit != last.unit} == {
        row.unit.code: row.composite for row in others
    }
