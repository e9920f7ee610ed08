"""The composite assessment of each directly-affiliated customs
(直属海关队伍建设综合评估).

For one year and one scope, every directly-affiliated customs in the scope
gets every registered indicator (counted by the engine over its own scope),
how many targets it meets, and a composite score. The formula is documented
in docs/composite.md; in short, per indicator with data:

- ``>=`` target: score = min(value / target, 1)
- ``<=`` target: score = 1 if value <= target, else target / value

and composite = 100 × Σ wᵢ·scoreᵢ / Σ wᵢ over the indicators whose
denominator is not 0 (no data is neither good nor bad, so it is left out
rather than counted as 0). Each weight is the definition's own
(``Indicator.weight``, overridden per key by ``settings.COMPOSITE_WEIGHTS``);
the indicators come from the registry. Ranking: composite descending, then
targets met descending, then unit code. Everything is exact fractions until
it is shown, so that a tie is a tie and the ranking never turns on rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db import models

from core import disclosure
from core import indicators as engine
from org.access import Access
from org.models import Unit, UnitScope


def indicator_score(figure: engine.Figure) -> Fraction | None:
    """A score in [0, 1] for one figure; None when there is no data or the
    figure is withheld from the reader (a score would give its numerator away)."""
    if figure.suppressed or not figure.denominator:
        return None
    value = Fraction(figure.numerator, figure.denominator)
    target = Fraction(str(figure.target))
    if figure.comparison == "<=":
        return Fraction(1) if value <= target else target / value
    if target <= 0:
        return Fraction(1)
    return min(value / target, Fraction(1))


def composite_score(indicators: list[engine.Indicator], figures: list[engine.Figure]) -> Fraction | None:
    """100 × the weighted mean of the scores of the figures with data."""
    total = Fraction(0)
    weights = Fraction(0)
    for indicator, figure in zip(indicators, figures, strict=True):
        score = indicator_score(figure)
        w = indicator.composite_weight()
        if score is None or w <= 0:
            continue
        total += w * score
        weights += w
    if not weights:
        return None
    return 100 * total / weights


@dataclass
class Row:
    unit: Unit
    figures: list[engine.Figure]
    scores: list[Fraction | None] = field(default_factory=list)
    met: int = 0
    assessed: int = 0  # indicators with data, out of len(figures)
    composite: Fraction | None = None
    rank: int = 0

    @property
    def composite_display(self) -> float | None:
        return None if self.composite is None else round(float(self.composite), 2)

    @property
    def cells(self) -> list[dict]:
        """One cell per indicator for the table: the value as a percent, the
        ratio behind it, whether the target is met and the score."""
        out = []
        for figure, score in zip(self.figures, self.scores, strict=True):
            value = figure.value
            out.append(
                {
                    "key": figure.key,
                    "value": "—" if value is None else f"{value:.2%}",
                    "ratio": disclosure.marker() if figure.suppressed else f"{figure.numerator}/{figure.denominator}",
                    "met": figure.met,
                    "score": "—" if score is None else f"{float(score):.2f}",
                }
            )
        return out


def customs_in(scope: Unit, visible_units: models.QuerySet | None = None) -> models.QuerySet:
    """The directly-affiliated customs within ``scope`` (and, when given,
    among ``visible_units``, a subquery of unit ids)."""
    customs = Unit.objects.filter(kind=Unit.Kind.DIRECT, pk__in=UnitScope.objects.filter(root=scope).values("unit_id"))
    if visible_units is not None:
        customs = customs.filter(pk__in=visible_units)
    return customs.order_by("code")


def _sort_key(row: Row):
    # Units without any data go last; Fractions compare exactly.
    return (row.composite is None, -(row.composite or 0), -row.met, row.unit.code)


def assess(*, year: int, customs: models.QuerySet, access: Access | None) -> list[Row]:
    """Rows for ``customs`` (a queryset of units), ranked, as the reader of
    ``access`` may see them (small counts withheld: core/disclosure.py;
    ``None`` for an operator's tool, which sees every figure).

    One ``counts`` call per registered indicator for all the customs at
    once, so the cost does not grow with the number of customs.
    """
    units = list(customs.all())  # a fresh evaluation; never the caller's cache
    reader = None if access is None else access.user
    indicators = [indicator.for_reader(reader) for indicator in engine.indicators()]
    per_indicator = [indicator.counts(year=year, roots=customs) for indicator in indicators]
    if access is not None:
        access.coverage(customs)  # which roles cover each customs, in one query
    rows = []
    for unit in units:
        reads_records = access is None or access.reads_records_at(unit)
        figures = [
            disclosure.disclose(
                indicator.figure(*counts.get(unit.pk, (0, 0))), indicator=indicator, reads_records=reads_records
            )
            for indicator, counts in zip(indicators, per_indicator, strict=True)
        ]
        scores = [indicator_score(f) for f in figures]
        rows.append(
            Row(
                unit=unit,
                figures=figures,
                scores=scores,
                met=sum(1 for f in figures if f.met),
                assessed=sum(1 for s in scores if s is not None),
                composite=composite_score(indicators, figures),
            )
        )
    rows.sort(key=_sort_key)
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return rows


def export_records(rows: list[Row]) -> list[dict]:
    """Flat records for a spreadsheet: one per customs, in rank order; each
    indicator as its value (a fraction, as the ``indicators`` command
    prints it) with its numerator and denominator."""
    out = []
    for row in rows:
        record = {"rank": row.rank, "code": row.unit.code, "name": row.unit.name}
        for figure, score in zip(row.figures, row.scores, strict=True):
            data = figure.as_dict()
            record[f"{figure.key}"] = data["value"]
            record[f"{figure.key}_numerator"] = data["numerator"]
            record[f"{figure.key}_denominator"] = figure.denominator
            record[f"{figure.key}_met"] = data["met"]
            record[f"{figure.key}_score"] = None if score is None else round(float(score), 6)
        record["targets_met"] = row.met
        record["indicators_with_data"] = row.assessed
        record["composite"] = row.composite_display
        out.append(record)
    return out
