"""What the dashboard and its drill-downs read, for one request's Access.

Every number goes through the indicator engine, so the dashboard, the
``indicators`` command and the PDFs agree. This module decides *which*
scopes a user may look at (always as the Access object's scope subqueries),
and shapes the engine's figures into rows for the templates and the export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dates, disclosure
from core import figures as snapshot
from core import indicators as engine
from core.dates import year_from_query
from core.indicators import Column, comparison_text, percent
from org.access import DASHBOARD_ROLES, Access
from org.models import KIND_RANK, Unit
from personnel.models import Officer

from . import paging
from .charts import TrendPoint, trend_chart

# --- Scope ------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeChoice:
    """A unit offered in the scope picker, with its kind in words."""

    pk: int
    code: str
    name: str
    kind: str

    @classmethod
    def of(cls, unit: Unit) -> ScopeChoice:
        return cls(unit.pk, unit.code, unit.name, str(unit.get_kind_display()))


# A scope of more units than this lists its broad units in the picker
# (headquarters, supervisory offices, directly-affiliated customs, the
# college) and the units directly below the one shown; any other is opened
# by typing its code. The 100,000-officer service has 4,407 units: listed
# whole, they made the national page 520 KB.
PICKER_UNITS = 300
BROAD_KINDS = (Unit.Kind.HQ, Unit.Kind.SUPERVISORY_OFFICE, Unit.Kind.DIRECT, Unit.Kind.COLLEGE)


def _choice_rows(units: models.QuerySet, limit: int | None = None) -> list[ScopeChoice]:
    kinds = {value: str(label) for value, label in Unit.Kind.choices}
    rows = units.annotate(kind_rank=KIND_RANK).order_by("kind_rank", "code").values_list("pk", "code", "name", "kind")
    if limit is not None:
        rows = rows[:limit]
    return [ScopeChoice(pk, code, name, kinds[kind]) for pk, code, name, kind in rows]


def scope_choices(access: Access, around: Unit | None = None) -> tuple[list[ScopeChoice], int]:
    """The units offered in the scope picker, broadest first, and how many
    units the user's grants cover: every one of them up to
    ``PICKER_UNITS``; beyond that the broad units and those directly below
    ``around`` (the unit shown).

    Plain rows with the kind's words looked up once per kind: a model
    instance labelled through ``get_kind_display`` each cost the national
    page seconds.
    """
    in_scope = Unit.objects.filter(pk__in=access.units(DASHBOARD_ROLES))
    rows = _choice_rows(in_scope, limit=PICKER_UNITS + 1)
    if len(rows) <= PICKER_UNITS:
        return rows, len(rows)
    near = Q(kind__in=BROAD_KINDS)
    if around is not None:
        near |= Q(pk=around.pk) | Q(parent=around.pk)
    return _choice_rows(in_scope.filter(near)), in_scope.count()


def resolve_scope(access: Access, code: str | None) -> Unit | None:
    """The unit the dashboard looks at.

    A code outside the user's scope answers 404, exactly like a code that
    does not exist. Without a code: the user's broadest granted unit (hq for
    a superuser). None only when no unit exists yet.
    """
    unit = access.scope_unit(DASHBOARD_ROLES, code)
    if code and unit is None:
        raise Http404
    return unit


def get_unit_or_404(units: models.QuerySet, code: str) -> Unit:
    return get_object_or_404(units, code=code)


def drill_down_unit(access: Access, indicator: engine.Indicator, code: str | None) -> Unit:
    """The unit of a drill-down, or 404 when the user may not open the
    records behind this indicator there."""
    if not indicator.drill_down_roles or not code:
        raise Http404
    return get_unit_or_404(Unit.objects.filter(pk__in=access.units(indicator.drill_down_roles)), code)


def drillable_units(access: Access, indicators, units: models.QuerySet) -> dict[str, set[int]]:
    """{indicator key: ids of ``units`` whose drill-down the user may open}.

    One query however many units and indicators: the Access object learns
    which roles cover each unit, and each definition names its roles.
    """
    covering = access.coverage(units)
    return {
        indicator.key: {pk for pk, roles in covering.items() if roles & indicator.drill_down_roles}
        for indicator in indicators
    }


# --- Years ------------------------------------------------------------------


# The years with records and the default year are the project's one answer
# (core.dates), shared with the composite table, the audit plan and the reports.
Years = dates.Years
year_choices = dates.year_choices


def parse_year(raw: str | None, years: Years) -> tuple[int, str | None]:
    """(year, problem): a missing year is the default; a bad one is the
    default with a message saying why."""
    return year_from_query(raw, years.default)


# --- Cards and breakdown ----------------------------------------------------


def _ratio(figure: engine.Figure) -> str:
    if figure.suppressed:
        return disclosure.marker()
    return f"{figure.numerator} / {figure.denominator}"


def status(figure: engine.Figure) -> str:
    """ "met", "missed", "nodata" or "suppressed": the CSS class and badge of
    a figure."""
    if figure.suppressed:
        return "suppressed"
    return {True: "met", False: "missed", None: "nodata"}[figure.met]


STATUS_LABELS = {
    "met": gettext_lazy("met"),
    "missed": gettext_lazy("missed"),
    "nodata": gettext_lazy("no data"),
    "suppressed": gettext_lazy("not shown"),
}


@dataclass
class Cell:
    figure: engine.Figure
    drillable: bool
    # The drill-down's address for this cell (set on breakdown cells).
    href: str = ""

    @cached_property
    def status(self) -> str:
        # Asked twice per cell by the page (class and label); a national
        # breakdown has hundreds of cells.
        return status(self.figure)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def value_text(self) -> str:
        return percent(self.figure.value)

    @property
    def ratio(self) -> str:
        return _ratio(self.figure)


@dataclass
class Card(Cell):
    indicator: engine.Indicator = None
    chart: str = ""

    @property
    def target_text(self) -> str:
        return comparison_text(self.figure.comparison, self.figure.target)


@dataclass
class BreakdownRow:
    unit: Unit
    cells: list[Cell] = field(default_factory=list)

    @property
    def missed(self) -> bool:
        return any(cell.figure.met is False for cell in self.cells)


def _trend_point(year: int, figure: engine.Figure) -> TrendPoint:
    if figure.suppressed:
        note = f"{year}: {disclosure.marker()}"
    elif figure.value is None:
        note = _("%(year)s: no data") % {"year": year}
    else:
        note = f"{year}: {percent(figure.value)} ({_ratio(figure)})"
    return TrendPoint(year=year, value=figure.value, met=figure.met, note=note)


@dataclass
class Dashboard:
    cards: list[Card]
    rows: list[BreakdownRow]
    sort: str  # the breakdown's order as applied


TREND_YEARS = 5


def dashboard(
    access: Access, *, unit: Unit, year: int, indicators, sort: str = "", since: int | None = None
) -> Dashboard:
    """Everything the dashboard shows for one scope and year.

    Every figure comes from the snapshot (core/figures.py) in one read: the
    scope's five-year trend and its children's year. A year before
    ``since`` (the first year with records) has no data: its figure is empty
    (no value, the target neither met nor missed), not a 0%, and is not read.
    """
    indicators = [indicator.for_reader(access.user) for indicator in indicators]
    children = list(engine.breakdown_roots(unit).order_by("code"))
    shown = Unit.objects.filter(Q(pk=unit.pk) | Q(pk__in=engine.breakdown_roots(unit)))
    # Resolves which roles cover the unit and its children in one query; the
    # small-counts rule then asks the same Access object at no further cost.
    drillable = drillable_units(access, indicators, shown)
    trend_years = list(range(year - TREND_YEARS + 1, year + 1))
    wanted = {(unit.pk, y) for y in trend_years} | {(child.pk, year) for child in children}
    figures = snapshot.read_since(indicators, wanted, since=since)
    rows, sort = breakdown_rows(
        access, children=children, year=year, indicators=indicators, figures=figures, sort=sort, drillable=drillable
    )
    cards = dashboard_cards(
        access,
        unit=unit,
        years=trend_years,
        indicators=indicators,
        figures=figures,
        drillable=drillable,
    )
    return Dashboard(cards=cards, rows=rows, sort=sort)


def dashboard_cards(
    access: Access, *, unit: Unit, years: list[int], indicators, figures, drillable: dict[str, set[int]]
) -> list[Card]:
    """One card per indicator: the last year's figure and the trend over
    ``years``, as the reader may see them (small counts: core/disclosure.py)."""
    reads_records = access.reads_records_at(unit)
    year = years[-1]
    cards = []
    for indicator in indicators:
        trend = [
            (
                y,
                disclosure.disclose(
                    figures[indicator.key, unit.pk, y], indicator=indicator, reads_records=reads_records
                ),
            )
            for y in years
        ]
        _year, figure = trend[-1]
        chart = trend_chart(
            [_trend_point(y, f) for y, f in trend],
            target=figure.target,
            title=_("%(indicator)s, %(first)s–%(last)s")
            % {
                "indicator": indicator.label,
                "first": trend[0][0],
                "last": year,
            },
        )
        cards.append(
            Card(figure=figure, drillable=unit.pk in drillable[indicator.key], indicator=indicator, chart=chart)
        )
    return cards


BREAKDOWN_SORT_UNIT = "unit"


def breakdown_rows(
    access: Access,
    *,
    children: list[Unit],
    year: int,
    indicators,
    figures,
    drillable: dict[str, set[int]],
    sort: str = "",
) -> tuple[list[BreakdownRow], str]:
    """One row per child unit (at hq: per directly-affiliated customs), one
    cell per indicator; sorted by ``sort`` ("unit", "<key>" or "-<key>").
    Returns the rows and the sort actually applied."""
    # One reverse() per indicator, not per cell.
    paths = {indicator.key: reverse("dashboard:drill_down", args=[indicator.key]) for indicator in indicators}
    ordered = []
    for child in children:
        query = urlencode({"unit": child.code, "year": year})
        reads_records = access.reads_records_at(child)
        ordered.append(
            BreakdownRow(
                unit=child,
                cells=[
                    Cell(
                        figure=disclosure.disclose(
                            figures[indicator.key, child.pk, year], indicator=indicator, reads_records=reads_records
                        ),
                        drillable=child.pk in drillable[indicator.key],
                        href=f"{paths[indicator.key]}?{query}",
                    )
                    for indicator in indicators
                ],
            )
        )

    keys = [indicator.key for indicator in indicators]
    descending = sort.startswith("-")
    sort_key = sort.lstrip("-")
    if sort_key in keys:
        position = keys.index(sort_key)

        def by_value(row: BreakdownRow):
            value = row.cells[position].figure.value
            # Units without data go last whichever way the column is sorted.
            return (value is None, (-value if descending else value) if value is not None else 0, row.unit.code)

        ordered.sort(key=by_value)
        return ordered, sort
    if sort == f"-{BREAKDOWN_SORT_UNIT}":
        ordered.reverse()
        return ordered, sort
    return ordered, BREAKDOWN_SORT_UNIT


# --- Drill-down -------------------------------------------------------------


def _available(queryset: models.QuerySet, field: str) -> bool:
    root = field.split("__")[0]
    if root in queryset.query.annotations:
        return True
    return any(f.name == root for f in queryset.model._meta.get_fields())


def drill_down_columns(queryset: models.QuerySet, indicator: engine.Indicator) -> list[Column]:
    columns = indicator.columns()
    meets = Column(
        "meets",
        _("meets the target"),
        display=lambda v: STATUS_LABELS["met" if v else "missed"],
        export=lambda v: str(STATUS_LABELS["met" if v else "missed"]),
    )
    return [column for column in columns if _available(queryset, column.field)] + [meets]


@dataclass
class DrillDown:
    indicator: engine.Indicator
    unit: Unit
    year: int
    figure: engine.Figure
    columns: list[Column]
    rows: models.QuerySet  # .values() of the listed members (plus "pk"), filtered and sorted
    sort: str
    # The same rows, paged by keyset (dashboard/paging.py).
    listing: paging.Listing

    @property
    def logged(self) -> bool:
        """Does showing these rows go to the access log? (access.md: every
        view or export that shows case information.)"""
        return bool(getattr(self.indicator, "sensitive", False))


def drill_down(
    access: Access,
    *,
    indicator: engine.Indicator,
    unit: Unit,
    year: int,
    search: str = "",
    missing_only: bool = False,
    sort: str = "",
) -> DrillDown:
    """The members behind one number: the denominator's people (or teams,
    units, records) for ``unit``'s scope, marked by whether each meets the
    target."""
    indicator = indicator.for_reader(access.user)
    members = indicator.members(year=year, root=unit)
    if hasattr(members, "visible_to"):
        # The drill-down check already keeps the unit inside the user's
        # grants; this keeps every listed row inside them too.
        members = members.visible_to(access.user)
    if getattr(indicator, "sensitive", False) and members.model is Officer:
        # Conflict of interest (回避): nobody reads whether they themselves
        # are named in a case.
        members = members.exclude(user=access.user)
    columns = drill_down_columns(members, indicator)
    if search:
        condition = Q()
        for column in columns:
            if column.searchable:
                condition |= Q(**{f"{column.field}__icontains": search})
        members = members.filter(condition)
    # "Meets the target", NULL read as not met, as the row's mark shows it.
    members = members.annotate(**{paging.MET: paging.met_alias()})
    if missing_only:
        members = members.filter(**{paging.MET: False})

    fields = [column.field for column in columns]
    natural = fields[0]

    def key(field: str, descending: bool = False) -> paging.Key:
        field = paging.MET if field == "meets" else field
        return paging.Key(field, descending, paging.nullable(members, field))

    sort_field = sort.lstrip("-")
    if sort_field in fields:
        keys = [key(sort_field, sort.startswith("-"))] + ([] if sort_field == natural else [key(natural)])
        applied = sort
    else:
        # Those short of the target first: they are what the page is for.
        keys, applied = [key("meets"), key(natural)], ""
    keys.append(paging.Key("pk"))
    segments = None
    if keys[0].field == paging.MET:
        segments = [False] if missing_only else [keys[0].descending, not keys[0].descending]
    listing = paging.Listing(members, keys, fields, segments, count_capped=missing_only)
    rows = listing.ordered()

    figure = snapshot.read([indicator], {(unit.pk, year)})[indicator.key, unit.pk, year]
    if indicator.sensitive:
        # Only a need-to-know figure asks whether the reader reads the
        # records here (small counts, core/disclosure.py).
        figure = disclosure.disclose(figure, indicator=indicator, reads_records=access.reads_records_at(unit))
    return DrillDown(
        indicator=indicator,
        unit=unit,
        year=year,
        figure=figure,
        columns=columns,
        rows=rows,
        sort=applied,
        listing=listing,
    )


def display_rows(drill: DrillDown, rows) -> list[dict]:
    """Rows for the page: the shown cells (without the mark) and the mark."""
    shown = [column for column in drill.columns if column.field != "meets"]
    # An officer's row links to the officer's file (the people surface), which
    # every role covering the drill-down's unit may open.
    by_officer = drill.indicator.subject == "officer" and any(column.field == "staff_no" for column in shown)
    return [
        {
            "cells": [column.display(row[column.field]) for column in shown],
            "meets": row["meets"],
            "staff_no": row["staff_no"] if by_officer else None,
        }
        for row in rows
    ]


def drill_down_case_ids(drill: DrillDown, officer_ids) -> list[int]:
    """The cases behind the listed officers' figures, for the access log."""
    from integrity.models import CaseOfficer

    return sorted(
        set(
            CaseOfficer.objects.filter(
                officer__in=officer_ids,
                case__opened_date__range=(dt.date(drill.year, 1, 1), dt.date(drill.year, 12, 31)),
            ).values_list("case_id", flat=True)
        )
    )


def export_frame(drill: DrillDown):
    """The drill-down's rows as a pandas DataFrame with translated headings;
    figures stay numbers, marks become words."""
    import pandas as pd

    fields = [column.field for column in drill.columns]
    frame = pd.DataFrame.from_records(list(drill.rows.values(*fields)), columns=fields)
    for column in drill.columns:
        frame[column.field] = frame[column.field].map(column.export).astype(object)
    frame.columns = [str(column.label) for column in drill.columns]
    return frame
