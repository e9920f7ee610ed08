"""The indicator engine: definitions register here; everything reads here.

The dashboard, the ``indicators`` command and the PDFs all go through
``compute`` / ``breakdown`` / ``trend`` / ``Indicator.members`` so that one
definition per indicator serves every surface (shared/spec/indicators.md).

Every definition counts *grouped by scope root*: ``counts(year, roots)``
answers for many scopes at once in a fixed number of queries, by joining the
records to the ``UnitScope`` closure table. The national figure is the hq
root; a breakdown is the child units as roots; the number of queries never
depends on how many units or officers there are.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from django.conf import settings
from django.db import models

from personnel.models import Unit


@dataclass(frozen=True)
class Figure:
    """One indicator's numbers for one scope and year."""

    key: str
    numerator: int
    denominator: int
    target: float
    comparison: str  # ">=" or "<="
    # Withheld from this reader by the small-counts rule (indicators.disclosure):
    # the numerator, value and whether the target is met are not shown.
    suppressed: bool = False

    @property
    def value(self) -> float | None:
        if self.suppressed or not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def met(self) -> bool | None:
        value = self.value
        if value is None:
            return None
        # Compare exact fractions, not rounded floats: 398/400 against 0.995
        # must not flip on a rounding error.
        from fractions import Fraction

        exact = Fraction(self.numerator, self.denominator)
        target = Fraction(str(self.target))
        return exact >= target if self.comparison == ">=" else exact <= target

    def withheld(self) -> "Figure":
        return replace(self, suppressed=True)

    def as_dict(self) -> dict:
        value = self.value
        return {
            "key": self.key,
            "numerator": None if self.suppressed else self.numerator,
            "denominator": self.denominator,
            "value": None if value is None else round(value, 6),
            "target": self.target,
            "comparison": self.comparison,
            "met": self.met,
        }


class Indicator:
    """Base of every definition. Subclasses set the class attributes and
    implement ``counts`` and ``members``."""

    key: ClassVar[str]
    label: ClassVar[str]  # lazily translated
    seed: ClassVar[str]  # the plan's wording, in Chinese
    comparison: ClassVar[str] = ">="
    # What the drill-down lists: "officer", "team" (a unit's leadership team),
    # "unit" or "record".
    subject: ClassVar[str] = "officer"
    # True when ``members`` names people in need-to-know records (cases,
    # complaints): its drill-down may be shown only to supervision
    # (shared/spec/access.md: leadership sees those as counts only).
    sensitive: ClassVar[bool] = False

    @property
    def target(self) -> float:
        return float(settings.TEAM_INDICATORS["targets"][self.key])

    def counts(self, *, year: int, roots: models.QuerySet) -> dict[int, tuple[int, int]]:
        """{root unit id: (numerator, denominator)} for every root given."""
        raise NotImplementedError

    def members(self, *, year: int, root: Unit) -> models.QuerySet:
        """The denominator's people/teams/units for ``root``'s scope, each
        annotated with ``figure`` (the number that counts for it) and
        ``meets`` (bool)."""
        raise NotImplementedError

    def for_reader(self, reader) -> "Indicator":
        """This definition as ``reader`` may know it. A need-to-know
        definition leaves out the records naming the reader, which the
        conflict-of-interest rule hides from them (docs/security.md); the
        others are the same for everyone. ``None``: an operator's tool."""
        return self

    def figure(self, numerator: int, denominator: int) -> Figure:
        return Figure(self.key, int(numerator), int(denominator), self.target, self.comparison)


REGISTRY: dict[str, Indicator] = {}

# The order of shared/spec/indicators.md; the command prints keys this way.
ORDER = [
    "training_days_12",
    "leader_fulltime_training_5y",
    "reserve_two_leadership_posts",
    "reserve_grassroots",
    "leadership_team_age",
    "integrity_appraisal_pass_rate",
    "case_involvement_rate",
    "satisfaction_rate",
    "inspection_pass_rate",
    "information_coverage",
    "audit_coverage",
    "internal_control_rate",
]


def register(cls):
    """Class decorator: instantiate and register a definition."""
    instance = cls()
    REGISTRY[instance.key] = instance
    return cls


def indicators() -> list[Indicator]:
    """The registered definitions, in the spec's order."""
    from . import definitions  # noqa: F401  (registers on import)

    return [REGISTRY[key] for key in ORDER if key in REGISTRY]


def get(key: str) -> Indicator:
    for indicator in indicators():
        if indicator.key == key:
            return indicator
    raise KeyError(key)


def national_root() -> Unit:
    return Unit.objects.get(kind=Unit.Kind.HQ)


def compute(*, year: int, unit: Unit | None = None) -> list[Figure]:
    """Every indicator for one scope (None: the whole service)."""
    root = unit or national_root()
    roots = Unit.objects.filter(pk=root.pk)
    out = []
    for indicator in indicators():
        numerator, denominator = indicator.counts(year=year, roots=roots).get(root.pk, (0, 0))
        out.append(indicator.figure(numerator, denominator))
    return out


def breakdown_roots(unit: Unit | None) -> models.QuerySet:
    """The rows of a breakdown: at hq, one per directly-affiliated customs
    (and the college); at a supervisory office, the customs it supervises;
    elsewhere, the unit's children."""
    root = unit or national_root()
    if root.kind == Unit.Kind.HQ:
        return Unit.objects.filter(kind__in=[Unit.Kind.DIRECT, Unit.Kind.COLLEGE])
    if root.kind == Unit.Kind.SUPERVISORY_OFFICE:
        return Unit.objects.filter(supervisory_office=root)
    return Unit.objects.filter(parent=root)


def breakdown(indicator: Indicator, *, year: int, unit: Unit | None = None) -> list[tuple[Unit, Figure]]:
    roots = breakdown_roots(unit).order_by("code")
    counts = indicator.counts(year=year, roots=roots)
    return [(child, indicator.figure(*counts.get(child.pk, (0, 0)))) for child in roots]


def trend(indicator: Indicator, *, year: int, unit: Unit | None = None, years: int = 5) -> list[tuple[int, Figure]]:
    root = unit or national_root()
    roots = Unit.objects.filter(pk=root.pk)
    out = []
    for y in range(year - years + 1, year + 1):
        out.append((y, indicator.figure(*indicator.counts(year=y, roots=roots).get(root.pk, (0, 0)))))
    return out
