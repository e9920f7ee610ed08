"""The indicator engine: every definition registers here; every surface reads here.

An indicator is one class in the app that owns its records (``<app>/indicators.py``,
found by autodiscovery like ``admin.py``). The class carries everything about it:
key, labels, target and comparison, the roles that may open its drill-down, the
drill-down's columns, the report's gap list, its weight in the composite and its
position in shared/spec/indicators.md. The dashboard, the ``indicators`` command,
the PDFs and the composite ask the registry; none of them names an indicator.

Every definition counts *grouped by scope root*: ``counts(year, roots)`` answers
for many scopes at once in a fixed number of queries, by joining the records to
the ``UnitScope`` closure table. The national figure is the hq root; a breakdown
is the child units as roots; the number of queries never depends on how many
units or officers there are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Count, ExpressionWrapper, Q
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from org.models import Unit, UnitScope

# --- Figures -----------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One indicator's numbers for one scope and year."""

    key: str
    numerator: int
    denominator: int
    target: float
    comparison: str  # ">=" or "<="
    # Withheld from this reader by the small-counts rule (core/disclosure.py):
    # the numerator, value and whether the target is met are not shown.
    suppressed: bool = False

    @property
    def value(self) -> float | None:
        if self.suppressed or not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def met(self) -> bool | None:
        # Withheld: whether the target is met would tell whether anyone is
        # counted (a 0% ceiling is missed by one case).
        if self.suppressed or not self.denominator:
            return None
        # Compare exact fractions, not rounded floats: 398/400 against 0.995
        # must not flip on a rounding error.
        exact = Fraction(self.numerator, self.denominator)
        target = Fraction(str(self.target))
        return exact >= target if self.comparison == ">=" else exact <= target

    def withheld(self) -> Figure:
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


def percent(value: float | None) -> str:
    """A fraction as a percentage for people: 0.978313 -> "97.8%", 1.0 -> "100%".

    Below 1% one more decimal is kept, so a case rate of 0.0035 against a
    0.4% ceiling does not read as "0%". A value just short of 100% never
    rounds up to "100%": a missed target must not look met.
    """
    if value is None:
        return "—"
    pct = value * 100
    digits = 2 if 0 < abs(pct) < 1 else 1
    text = f"{pct:.{digits}f}"
    while value < 1 and float(text) >= 100 and digits < 4:
        digits += 1
        text = f"{math.floor(pct * 10**digits) / 10**digits:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def comparison_text(comparison: str, target: float) -> str:
    symbol = "≥" if comparison == ">=" else "≤"
    return f"{symbol} {percent(target)}"


# --- Drill-down columns ------------------------------------------------------


def plain(value):
    return "—" if value is None or value == "" else value


def number(value) -> str:
    """Decimal("12.0") -> "12", Decimal("11.5") -> "11.5"."""
    return format(Decimal(value or 0).normalize(), "f")


def days(value) -> str:
    return _("%(days)s days") % {"days": number(value)}


def count(value) -> str:
    return str(int(value or 0))


def share(value) -> str:
    return percent(None if value is None else float(value))


def yes_no(value) -> str:
    return "—" if value is None else str(_("yes") if value else _("no"))


def either(yes, no):
    return lambda value: str(yes if value else no)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_value(value):
    """Numbers stay numbers in the spreadsheet; yes/no become words; text
    that a spreadsheet would run as a formula (an imported name like
    "=HYPERLINK(...)") is written as text."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column of a drill-down (the page and its spreadsheet)."""

    field: str  # a key of the members' .values()
    label: str
    searchable: bool = False
    display: Callable = plain  # value -> what the page shows
    export: Callable = spreadsheet_value  # value -> what the spreadsheet holds


def officer_columns() -> list[Column]:
    return [
        Column("staff_no", _("staff number"), searchable=True),
        Column("name", pgettext("person", "name"), searchable=True),
        Column("unit__name", _("unit")),
        Column("position", _("position")),
    ]


def unit_columns() -> list[Column]:
    return [Column("code", _("unit code"), searchable=True), Column("name", _("unit"), searchable=True)]


def record_unit_columns() -> list[Column]:
    return [Column("unit__code", _("unit code"), searchable=True), Column("unit__name", _("unit"), searchable=True)]


# --- Gap lists of the unit report ----------------------------------------------


@dataclass(frozen=True)
class GapColumn:
    label: str
    width: float  # share of the page's text width
    cell: Callable  # member -> the printed text


@dataclass(frozen=True)
class GapList:
    """The unit report's list of the members that miss the target."""

    title: str
    columns: list[GapColumn]
    order_by: tuple[str, ...]
    select_related: tuple[str, ...] = ()


# --- The definition ----------------------------------------------------------


class Indicator:
    """Base of every definition. Subclasses set the class attributes and
    implement ``counts`` and ``members``."""

    key: ClassVar[str]
    label: ClassVar[str]  # lazily translated
    short_label: ClassVar[str]  # lazily translated; the report's narrow columns
    seed: ClassVar[str]  # the plan's wording, in Chinese
    # The row of shared/spec/indicators.md's table: the order of every list.
    position: ClassVar[int]
    target: ClassVar[float]
    comparison: ClassVar[str] = ">="
    # The weight in the composite assessment (docs/composite.md);
    # settings.COMPOSITE_WEIGHTS may override it per key.
    weight: ClassVar[float] = 1
    # Who may open the records behind a number (the drill-down and the
    # report's gap list). Empty: nobody.
    drill_down_roles: ClassVar[frozenset] = frozenset()
    # What the drill-down lists: "officer", "team" (a unit's leadership team),
    # "unit" or "record".
    subject: ClassVar[str] = "officer"
    # True when ``members`` names people in need-to-know records (cases,
    # complaints): its drill-down is written to the access log and never
    # lists the reader.
    sensitive: ClassVar[bool] = False

    def counts(self, *, year: int, roots: models.QuerySet) -> dict[int, tuple[int, int]]:
        """{root unit id: (numerator, denominator)} for every root given."""
        raise NotImplementedError

    def members(self, *, year: int, root: Unit) -> models.QuerySet:
        """The denominator's people/teams/units for ``root``'s scope, each
        annotated with ``figure`` (the number that counts for it) and
        ``meets`` (bool)."""
        raise NotImplementedError

    def columns(self) -> list[Column]:
        """The drill-down's columns: who or what is listed, the facts that
        decide, and the figure that counts, worded for people."""
        who = {"officer": officer_columns, "unit": unit_columns, "team": unit_columns}.get(
            self.subject, record_unit_columns
        )
        return who() + [Column("figure", _("figure"))]

    def gap_list(self, year: int) -> GapList | None:
        """The unit report's list of members missing the target; None: the
        report lists none for this indicator."""
        return None

    def composite_weight(self) -> Fraction:
        return Fraction(str(settings.COMPOSITE_WEIGHTS.get(self.key, self.weight)))

    def for_reader(self, reader) -> Indicator:
        """This definition as ``reader`` (a user) may know it. A need-to-know
        definition leaves out the records naming the reader, which the
        conflict-of-interest rule hides from them (docs/security.md); the
        others are the same for everyone. ``None``: an operator's tool."""
        return self

    def counts_for_everyone(self) -> bool:
        """Whether this definition, as bound by ``for_reader``, counts what
        it counts for everyone, so the shared snapshot (core/figures.py)
        answers for it; False: it is counted live for this reader."""
        return True

    def figure(self, numerator: int, denominator: int) -> Figure:
        return Figure(self.key, int(numerator), int(denominator), self.target, self.comparison)


REGISTRY: dict[str, Indicator] = {}
_discovered = False


# What every definition must declare; the rest have defaults on Indicator.
REQUIRED = ("key", "position", "label", "short_label", "seed", "target")


def register(cls):
    """Class decorator: instantiate and register a definition."""
    missing = [name for name in REQUIRED if not hasattr(cls, name)]
    if missing:
        raise TypeError(f"{cls.__name__} declares no {', '.join(missing)}")
    existing = REGISTRY.get(cls.key)
    if existing is not None and type(existing) is not cls:
        raise ValueError(f"indicator {cls.key!r} is defined twice ({type(existing).__name__}, {cls.__name__})")
    REGISTRY[cls.key] = cls()
    return cls


def indicators() -> list[Indicator]:
    """Every registered definition, in the spec's order. Each installed
    app's ``indicators`` module is imported the first time."""
    global _discovered
    if not _discovered:
        autodiscover_modules("indicators")
        _discovered = True
    return sorted(REGISTRY.values(), key=lambda indicator: (indicator.position, indicator.key))


def get(key: str) -> Indicator:
    for indicator in indicators():
        if indicator.key == key:
            return indicator
    raise KeyError(key)


# --- Computing ---------------------------------------------------------------


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


def breakdown(
    indicator: Indicator, *, year: int, unit: Unit | None = None, since: int | None = None
) -> list[tuple[Unit, Figure]]:
    roots = breakdown_roots(unit).order_by("code")
    if since is not None and year < since:
        return [(child, indicator.figure(0, 0)) for child in roots]
    counts = indicator.counts(year=year, roots=roots)
    return [(child, indicator.figure(*counts.get(child.pk, (0, 0)))) for child in roots]


def trend(
    indicator: Indicator, *, year: int, unit: Unit | None = None, years: int = 5, since: int | None = None
) -> list[tuple[int, Figure]]:
    """The figures of the ``years`` years up to ``year``. A year before
    ``since`` (the first year with records, core.dates.year_choices) has no
    data: its figure is empty (no value, target neither met nor missed) and
    is not counted, so officers on the roll before the records begin do not
    read as a 0% that misses the target."""
    root = unit or national_root()
    roots = Unit.objects.filter(pk=root.pk)
    out = []
    for y in range(year - years + 1, year + 1):
        if since is not None and y < since:
            out.append((y, indicator.figure(0, 0)))
            continue
        out.append((y, indicator.figure(*indicator.counts(year=y, roots=roots).get(root.pk, (0, 0)))))
    return out


# --- Shared counting helpers -------------------------------------------------


def threshold(name: str):
    """A threshold of shared/spec/indicators.md (settings.TEAM_INDICATORS)."""
    return settings.TEAM_INDICATORS[name]


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def born_for_age_at_year_end(year: int, low: int, high: int) -> tuple[dt.date, dt.date]:
    """The birth dates of people whose age on 31 December ``year`` is between
    ``low`` and ``high`` years, both included.

    Aged at least ``low`` means the ``low``-th birthday fell on or before
    Y-end: born on or before 31 Dec (Y - low). Aged at most ``high`` means the
    (high+1)-th birthday is still to come: born on or after 1 Jan (Y - high).
    """
    return dt.date(year - high, 1, 1), dt.date(year - low, 12, 31)


def employed_all_year(year: int) -> Q:
    return Q(hire_date__lte=year_start(year)) & (Q(leave_date__isnull=True) | Q(leave_date__gte=year_end(year)))


def on_roll_at(as_of: dt.date, prefix: str = "") -> Q:
    """Officers hired by ``as_of`` who have not left by then (``prefix``
    reaches officers through a relation, e.g. ``"unit__officers__"``)."""
    return Q(**{f"{prefix}hire_date__lte": as_of}) & (
        Q(**{f"{prefix}leave_date__isnull": True}) | Q(**{f"{prefix}leave_date__gt": as_of})
    )


def on_roll_at_year_end(year: int, prefix: str = "") -> Q:
    return on_roll_at(year_end(year), prefix)


def as_bool(condition) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=models.BooleanField())


def officer_counts(officers: models.QuerySet, numerator, roots: models.QuerySet) -> dict[int, tuple[int, int]]:
    """(numerator, denominator) per root for a denominator of officers.

    One query: officers joined to the closure table on their current unit,
    grouped by root. The closure table holds each (root, unit) pair once, so
    an officer is counted at most once per root.
    """
    rows = (
        officers.filter(unit__scope_roots__root__in=roots)
        .values("unit__scope_roots__root")
        .annotate(num=Count("pk", filter=numerator), den=Count("pk"))
        .order_by()
    )
    return {row["unit__scope_roots__root"]: (row["num"], row["den"]) for row in rows}


# The units the unit indicators count: customs that run their own workforce
# (directly-affiliated and subordinate), not departments.
CUSTOMS_KINDS = [Unit.Kind.DIRECT, Unit.Kind.SUBORDINATE]


class UnitIndicator(Indicator):
    """An indicator whose denominator is the customs in scope, each judged by
    correlated subqueries on the unit (``unit_ref`` names the outer column
    holding the unit's id: ``unit`` from the closure table, ``pk`` from a
    unit). Each customs counts once per check it passes."""

    subject = "unit"

    def _checks(self, year: int, unit_ref: str) -> dict:
        """{name: boolean expression} — each check a unit may pass."""
        raise NotImplementedError

    def counts(self, *, year, roots):
        checks = self._checks(year, "unit")
        passed = [Count("pk", filter=Q(**{name: True})) for name in checks]
        rows = (
            UnitScope.objects.filter(root__in=roots, unit__kind__in=CUSTOMS_KINDS)
            .alias(**checks)
            .values("root")
            .annotate(num=sum(passed[1:], passed[0]), den=Count("pk") * len(checks))
            .order_by()
        )
        return {row["root"]: (row["num"], row["den"]) for row in rows}

    def members(self, *, year, root):
        checks = self._checks(year, "pk")
        passed = [
            models.Case(models.When(Q(**{name: True}), then=1), default=0, output_field=models.IntegerField())
            for name in checks
        ]
        return (
            Unit.objects.in_unit_scope(root)
            .filter(kind__in=CUSTOMS_KINDS)
            .annotate(**checks)
            .annotate(figure=sum(passed[1:], passed[0]))
            .annotate(meets=as_bool(Q(figure=len(checks))))
        )
