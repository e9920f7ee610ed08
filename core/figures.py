"""Indicator figures computed once, read many times.

A figure depends on its scope unit, its year and the records — not on who
reads it (need-to-know decides what is *shown*: core/disclosure.py). So the
(numerator, denominator) of every (unit, year, indicator) a reader asks for
is kept in ``FigureSnapshot`` and served from there until a record it counts
changes.

Staleness: every write of a counted record leaves a marker in
``FigureStale`` (database triggers, core/stale_triggers.py, so that no write
path can forget). A reader first applies the markers: each removes the
snapshot rows of the scope roots containing the marked unit (its ancestors,
its supervisory office, hq: ``UnitScope``) from the marked year on. Then it
reads the rows it needs and computes only the missing ones with the live
definitions (``Indicator.counts``), exactly as the engine would, and stores
them. A warm reader runs two queries whatever the number of units.

Concurrency: applying markers and storing computed rows happen under one
lock (a PostgreSQL advisory lock; on SQLite the IMMEDIATE transaction), so a
row computed before a write cannot be stored after that write's marker was
applied. A write committed while a row is computed leaves its marker behind,
which the next reader applies.

A definition that counts differently for one reader (``Indicator.
counts_for_everyone`` is False: the case involvement rate of a reader named
in a case) is computed live for that reader, never stored.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from org.models import Unit, UnitScope

from .indicators import Figure, Indicator
from .models import FigureGeneration, FigureSnapshot, FigureStale

# The settings the definitions read (thresholds, windows): a row counted
# under other values is not used.
COUNTED_SETTINGS = ("TEAM_INDICATORS", "RISK_POINT_REGISTER", "RECTIFICATION")
# Any constant key: the advisory lock held while markers are applied and
# computed rows are stored.
LOCK_KEY = 7_140_014


def version() -> str:
    values = {name: getattr(settings, name, None) for name in COUNTED_SETTINGS}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


Cell = tuple[int, int]  # (unit id, year)


def read(indicators: Iterable[Indicator], cells: Iterable[Cell]) -> dict[tuple[str, int, int], Figure]:
    """{(indicator key, unit id, year): Figure} for every indicator and cell."""
    indicators = list(indicators)
    cells = set(cells)
    if not cells or not indicators:
        return {}
    shared = [indicator for indicator in indicators if indicator.counts_for_everyone()]
    out = _live([i for i in indicators if i not in shared], cells)
    if not shared:
        return out
    current = version()
    _apply_waiting_markers()
    stored = _stored(shared, cells, current)
    missing = [(i, unit, year) for i in shared for unit, year in cells if (i.key, unit, year) not in stored]
    if missing:
        with _locked():
            # Markers written meanwhile are applied before anything is stored.
            apply_markers()
            stored = _stored(shared, cells, current)
            missing = [(i, unit, year) for i, unit, year in missing if (i.key, unit, year) not in stored]
            stored.update(_compute_and_store(missing, current))
    for indicator in shared:
        for unit, year in cells:
            out[indicator.key, unit, year] = indicator.figure(*stored[indicator.key, unit, year])
    return out


def _apply_waiting_markers() -> None:
    """Apply the markers written since the last reader, if there are any
    (one query when there are none)."""
    if FigureStale.objects.exists():
        with _locked():
            apply_markers()


def generation() -> int:
    """The current generation of the stored figures, after applying the
    markers written since the last reader: a page rendered from figures read
    at generation G holds as long as the generation is G. It moves when
    markers remove stored rows, not when missing rows are computed (they
    equal what the live definitions gave the page before)."""
    _apply_waiting_markers()
    return FigureGeneration.objects.values_list("value", flat=True).first() or 0


def _next_generation() -> None:
    """Move the generation on (under the lock): one row, made on first use."""
    if not FigureGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        FigureGeneration.objects.create(pk=1, value=1)


class NoDataBefore(dict):
    """Figures keyed (indicator key, unit id, year), with an empty figure
    (no value, the target neither met nor missed) for every year before
    ``since``, the first year with records."""

    def __init__(self, figures, indicators, since: int | None):
        super().__init__(figures)
        self.indicators = {indicator.key: indicator for indicator in indicators}
        self.since = since

    def __missing__(self, key):
        if self.since is not None and key[2] < self.since:
            return self.indicators[key[0]].figure(0, 0)
        raise KeyError(key)


def read_since(indicators: Iterable[Indicator], cells: Iterable[Cell], *, since: int | None) -> NoDataBefore:
    """``read`` for the cells of ``since`` (core.dates.year_choices().since)
    and later; a cell of an earlier year is neither read nor stored and
    answers an empty figure, as ``indicators.trend`` and
    ``indicators.breakdown`` count it, so officers on the roll before the
    records begin do not read as a 0% that misses the target."""
    indicators = list(indicators)
    counted = {(unit, year) for unit, year in cells if since is None or year >= since}
    return NoDataBefore(read(indicators, counted), indicators, since)


def refresh(*, units: Iterable[int] | None = None, years: Iterable[int]) -> int:
    """Apply the markers and compute every missing row for ``units`` (None:
    every unit) and ``years``: the job that warms the snapshot after a load.
    Returns the number of rows computed."""
    from .indicators import indicators as registered

    unit_ids = list(Unit.objects.values_list("pk", flat=True)) if units is None else list(units)
    current = version()
    cells = {(unit, year) for unit in unit_ids for year in years}
    with _locked():
        apply_markers()
        stored = _stored(registered(), cells, current)
        missing = [(i, u, y) for i in registered() for u, y in cells if (i.key, u, y) not in stored]
        _compute_and_store(missing, current)
    return len(missing)


# The units every dashboard opens with: hq, the supervisory offices, the
# directly-affiliated customs and the college (the breakdown rows at hq).
WARM_KINDS = (Unit.Kind.HQ, Unit.Kind.SUPERVISORY_OFFICE, Unit.Kind.DIRECT, Unit.Kind.COLLEGE)


def warm(*, year: int, years: int = 5) -> int:
    """Refresh the figures the dashboards read first: the units of
    ``WARM_KINDS`` over the ``years`` years up to ``year``."""
    units = Unit.objects.filter(kind__in=WARM_KINDS).values_list("pk", flat=True)
    return refresh(units=list(units), years=range(year - years + 1, year + 1))


def apply_markers() -> None:
    """Remove the snapshot rows the markers invalidate, then the markers.
    Called under the lock."""
    # Taken and removed in one statement: a marker committed meanwhile is
    # either in this answer or left for the next reader, never lost.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FigureStale._meta.db_table} RETURNING unit_id, from_year")
        markers = cursor.fetchall()
    if not markers:
        return
    _next_generation()
    everywhere: int | None | bool = False  # False: no marker for every unit
    by_unit: dict[int, int | None] = {}
    for unit, year in markers:
        if unit is None:
            everywhere = _earliest(everywhere, year)
        else:
            by_unit[unit] = _earliest(by_unit.get(unit, False), year)
    if everywhere is not False:
        _delete_from(FigureSnapshot.objects.all(), everywhere)
    by_root: dict[int, int | None] = {}
    for root, unit in UnitScope.objects.filter(unit__in=list(by_unit)).values_list("root", "unit"):
        by_root[root] = _earliest(by_root.get(root, False), by_unit[unit])
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for root, year in by_root.items():
        by_year[year].append(root)
    for year, roots in by_year.items():
        _delete_from(FigureSnapshot.objects.filter(unit__in=roots), year)


def _earliest(known, year: int | None):
    """The earlier of two "from year"s; None (every year) wins, False is none yet."""
    if known is False:
        return year
    if known is None or year is None:
        return None
    return min(known, year)


def _delete_from(rows, from_year: int | None) -> None:
    if from_year is not None:
        rows = rows.filter(year__gte=from_year)
    rows.delete()


class _locked:
    """One transaction holding the snapshot lock."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def _stored(indicators, cells: set[Cell], current: str) -> dict[tuple[str, int, int], tuple[int, int]]:
    units = {unit for unit, _year in cells}
    years = {year for _unit, year in cells}
    rows = FigureSnapshot.objects.filter(
        key__in=[i.key for i in indicators], unit__in=units, year__in=years, version=current
    ).values_list("key", "unit", "year", "numerator", "denominator")
    return {(key, unit, year): (num, den) for key, unit, year, num, den in rows if (unit, year) in cells}


def _compute_and_store(missing, current: str) -> dict[tuple[str, int, int], tuple[int, int]]:
    """Count the missing rows with the live definitions (one ``counts`` per
    indicator and year, for all its missing units at once) and store them."""
    groups: dict[tuple[Indicator, int], set[int]] = defaultdict(set)
    for indicator, unit, year in missing:
        groups[indicator, year].add(unit)
    out = {}
    for (indicator, year), units in groups.items():
        counts = indicator.counts(year=year, roots=Unit.objects.filter(pk__in=units))
        for unit in units:
            out[indicator.key, unit, year] = counts.get(unit, (0, 0))
    FigureSnapshot.objects.filter(
        key__in={key for key, _u, _y in out}, unit__in={u for _k, u, _y in out}, year__in={y for _k, _u, y in out}
    ).exclude(version=current).delete()
    FigureSnapshot.objects.bulk_create(
        [
            FigureSnapshot(unit_id=unit, year=year, key=key, numerator=num, denominator=den, version=current)
            for (key, unit, year), (num, den) in out.items()
        ],
        batch_size=500,
    )
    return out


def _live(indicators, cells: set[Cell]) -> dict[tuple[str, int, int], Figure]:
    out = {}
    by_year: dict[int, set[int]] = defaultdict(set)
    for unit, year in cells:
        by_year[year].add(unit)
    for indicator in indicators:
        for year, units in by_year.items():
            counts = indicator.counts(year=year, roots=Unit.objects.filter(pk__in=units))
            for unit in units:
                out[indicator.key, unit, year] = indicator.figure(*counts.get(unit, (0, 0)))
    return out
