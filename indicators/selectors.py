"""What the dashboard and its drill-downs read, for one user.

Every number goes through the indicator engine, so the dashboard, the
``indicators`` command and the PDFs agree. This module decides *which*
scopes a user may look at (always as subqueries of ``units_in_scope``), and
shapes the engine's figures into rows for the templates and the export.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Max, Min, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from personnel.models import LeaderAppraisal, Officer, Unit
from personnel.roles import ALL_ROLES, Role
from personnel.scoping import granted_units, has_grant, units_in_scope
from training.models import TrainingRecord

from . import disclosure, engine
from .charts import TrendPoint, comparison_text, percent, trend_chart

# Every role sees the dashboard (shared/spec/access.md).
DASHBOARD_ROLES = ALL_ROLES

# Who may open the records behind a number: the roles that read that record
# kind in their scope, plus leadership, which has "every drill-down"
# (access.md). A definition marked ``sensitive`` names people in cases:
# supervision only, since leadership sees those as counts. A definition not
# listed here has no drill-down until someone decides who may read it.
_HR_DATA = frozenset({Role.HR, Role.LEADERSHIP})
_SUPERVISION_DATA = frozenset({Role.SUPERVISION, Role.LEADERSHIP})
_AUDIT_DATA = frozenset({Role.AUDIT, Role.LEADERSHIP})
SENSITIVE_DRILL_DOWN_ROLES = frozenset({Role.SUPERVISION})
DRILL_DOWN_ROLES: dict[str, frozenset] = {
    "training_days_12": _HR_DATA,
    "leader_fulltime_training_5y": _HR_DATA,
    "reserve_two_leadership_posts": _HR_DATA,
    "reserve_grassroots": _HR_DATA,
    # Team sizes and ages are officer profile data, which every role reads.
    "leadership_team_age": ALL_ROLES,
    "integrity_appraisal_pass_rate": _SUPERVISION_DATA,
    "case_involvement_rate": SENSITIVE_DRILL_DOWN_ROLES,
    "satisfaction_rate": _SUPERVISION_DATA,
    "inspection_pass_rate": _SUPERVISION_DATA,
    # Which customs have records of each area: units, no people.
    "information_coverage": ALL_ROLES,
    "audit_coverage": _AUDIT_DATA,
    "internal_control_rate": _AUDIT_DATA,
}

# The picker lists the units people look at as a whole; units further down
# (subordinate customs, departments) are reached from the breakdown table.
PICKER_KINDS = [Unit.Kind.HQ, Unit.Kind.SUPERVISORY_OFFICE, Unit.Kind.DIRECT, Unit.Kind.COLLEGE]
_KIND_RANK = Case(
    *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(
        [Unit.Kind.HQ, Unit.Kind.SUPERVISORY_OFFICE, Unit.Kind.DIRECT, Unit.Kind.COLLEGE,
         Unit.Kind.SUBORDINATE, Unit.Kind.DEPARTMENT]
    )],
    output_field=IntegerField(),
)

FIRST_YEAR, LAST_YEAR = 1949, 2100  # the years the records accept


# --- Scope ------------------------------------------------------------------


def may_see_dashboard(user) -> bool:
    return has_grant(user, DASHBOARD_ROLES)


def dashboard_units(user) -> models.QuerySet:
    """Every unit whose figures the user may see."""
    return Unit.objects.filter(pk__in=units_in_scope(user, DASHBOARD_ROLES))


def scope_choices(user) -> models.QuerySet:
    """The units offered in the scope picker: the user's granted units and
    the customs, offices and colleges within their scope."""
    return (
        Unit.objects.filter(
            Q(pk__in=granted_units(user, DASHBOARD_ROLES))
            | Q(kind__in=PICKER_KINDS, pk__in=units_in_scope(user, DASHBOARD_ROLES))
        )
        .annotate(kind_rank=_KIND_RANK)
        .order_by("kind_rank", "code")
    )


def resolve_scope(user, code: str | None) -> Unit | None:
    """The unit the dashboard looks at.

    A code outside the user's scope answers 404, exactly like a code that
    does not exist. Without a code: the user's broadest granted unit (hq for
    a superuser). None only when no unit exists yet.
    """
    if code:
        return get_unit_or_404(dashboard_units(user), code)
    if user.is_superuser:
        return Unit.objects.filter(kind=Unit.Kind.HQ).first()
    return (
        Unit.objects.filter(pk__in=granted_units(user, DASHBOARD_ROLES))
        .annotate(kind_rank=_KIND_RANK)
        .order_by("kind_rank", "code")
        .first()
    )


def get_unit_or_404(units: models.QuerySet, code: str) -> Unit:
    return get_object_or_404(units, code=code)


def drill_down_roles(indicator: engine.Indicator) -> frozenset:
    if getattr(indicator, "sensitive", False):
        return SENSITIVE_DRILL_DOWN_ROLES
    return DRILL_DOWN_ROLES.get(indicator.key, frozenset())


def drill_down_unit(user, indicator: engine.Indicator, code: str | None) -> Unit:
    """The unit of a drill-down, or 404 when the user may not open the
    records behind this indicator there."""
    roles = drill_down_roles(indicator)
    if not roles or not code:
        raise Http404
    return get_unit_or_404(Unit.objects.filter(pk__in=units_in_scope(user, roles)), code)


def drillable_units(user, indicators, units: models.QuerySet) -> dict[str, set[int]]:
    """{indicator key: ids of ``units`` whose drill-down the user may open}.

    One query however many units and indicators: each distinct set of roles
    becomes one boolean column, "is this unit in the user's scope for them".
    """
    role_sets = sorted({drill_down_roles(i) for i in indicators if drill_down_roles(i)}, key=sorted)
    if not role_sets:
        return {indicator.key: set() for indicator in indicators}
    columns = {
        f"in_scope_{n}": ExpressionWrapper(Q(pk__in=units_in_scope(user, roles)), output_field=BooleanField())
        for n, roles in enumerate(role_sets)
    }
    rows = list(units.order_by().annotate(**columns).values("pk", *columns))
    allowed = {
        roles: {row["pk"] for row in rows if row[f"in_scope_{n}"]} for n, roles in enumerate(role_sets)
    }
    return {indicator.key: allowed.get(drill_down_roles(indicator), set()) for indicator in indicators}


# --- Years ------------------------------------------------------------------


@dataclass(frozen=True)
class Years:
    default: int
    choices: list[int]  # newest first


def year_choices(today: dt.date | None = None) -> Years:
    """The years that have records, and the default: the latest complete
    year (last year), or the last year with records if they stop earlier."""
    today = today or dt.date.today()
    # MIN/MAX of the bare date column come straight from its index; of its
    # year they would read every training record.
    training = TrainingRecord.objects.aggregate(first=Min("start_date"), last=Max("start_date"))
    appraisals = LeaderAppraisal.objects.aggregate(first=Min("year"), last=Max("year"))
    firsts = [y for y in (training["first"] and training["first"].year, appraisals["first"]) if y]
    lasts = [y for y in (training["last"] and training["last"].year, appraisals["last"]) if y]
    last_complete = today.year - 1
    last = min(max(lasts), today.year) if lasts else last_complete
    default = min(last_complete, last)
    first = min(min(firsts), default) if firsts else default
    return Years(default=default, choices=list(range(max(last, default), first - 1, -1)))


def parse_year(raw: str | None, years: Years) -> tuple[int, str | None]:
    """(year, problem): a missing year is the default; a bad one is the
    default with a message saying why."""
    if raw in (None, ""):
        return years.default, None
    try:
        year = int(raw)
    except ValueError:
        return years.default, _("“%(value)s” is not a year; showing %(year)s.") % {
            "value": raw, "year": years.default,
        }
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return years.default, _("The year must be between %(first)s and %(last)s; showing %(year)s.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR, "year": years.default,
        }
    return year, None


# --- Cards and breakdown ----------------------------------------------------


def _ratio(figure: engine.Figure) -> str:
    if figure.suppressed:
        return disclosure.marker()
    return f"{figure.numerator} / {figure.denominator}"


def status(figure: engine.Figure) -> str:
    """"met", "missed", "nodata" or "suppressed": the CSS class and badge of
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

    @property
    def status(self) -> str:
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


def dashboard(user, *, unit: Unit, year: int, indicators, sort: str = "") -> Dashboard:
    """Everything the dashboard shows for one scope and year."""
    indicators = [indicator.for_reader(user) for indicator in indicators]
    roots = engine.breakdown_roots(unit)
    shown = Unit.objects.filter(Q(pk=unit.pk) | Q(pk__in=roots))
    drillable = drillable_units(user, indicators, shown)
    entitled = disclosure.entitled_units(user, shown.values_list("pk", flat=True))
    rows, sort = breakdown_rows(
        unit=unit, year=year, indicators=indicators, sort=sort, drillable=drillable, entitled=entitled
    )
    cards = dashboard_cards(unit=unit, year=year, indicators=indicators, drillable=drillable, entitled=entitled)
    return Dashboard(cards=cards, rows=rows, sort=sort)


def dashboard_cards(
    *, unit: Unit, year: int, indicators, drillable: dict[str, set[int]], entitled: set[int]
) -> list[Card]:
    """One card per indicator: the year's figure and its five-year trend,
    as the reader may see them (``entitled``: indicators.disclosure)."""
    cards = []
    for indicator in indicators:
        trend = [
            (y, disclosure.disclose(f, indicator=indicator, unit_id=unit.pk, entitled=entitled))
            for y, f in engine.trend(indicator, year=year, unit=unit)
        ]
        _year, figure = trend[-1]
        chart = trend_chart(
            [_trend_point(y, f) for y, f in trend],
            target=figure.target,
            title=_("%(indicator)s, %(first)s–%(last)s") % {
                "indicator": indicator.label, "first": trend[0][0], "last": year,
            },
        )
        cards.append(
            Card(figure=figure, drillable=unit.pk in drillable[indicator.key], indicator=indicator, chart=chart)
        )
    return cards


BREAKDOWN_SORT_UNIT = "unit"


def breakdown_rows(
    *, unit: Unit, year: int, indicators, drillable: dict[str, set[int]], entitled: set[int], sort: str = ""
) -> tuple[list[BreakdownRow], str]:
    """One row per child unit (at hq: per directly-affiliated customs), one
    cell per indicator; sorted by ``sort`` ("unit", "<key>" or "-<key>").
    Returns the rows and the sort actually applied."""
    roots = engine.breakdown_roots(unit)
    children = list(roots.order_by("code"))
    # engine.breakdown() would load the child units again for every
    # indicator; the counts are the same ones it asks for.
    counts = {indicator.key: indicator.counts(year=year, roots=roots) for indicator in indicators}
    ordered = [
        BreakdownRow(
            unit=child,
            cells=[
                Cell(
                    figure=disclosure.disclose(
                        indicator.figure(*counts[indicator.key].get(child.pk, (0, 0))),
                        indicator=indicator, unit_id=child.pk, entitled=entitled,
                    ),
                    drillable=child.pk in drillable[indicator.key],
                )
                for indicator in indicators
            ],
        )
        for child in children
    ]

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


def _plain(value):
    return "—" if value is None or value == "" else value


def _number(value) -> str:
    """Decimal("12.0") -> "12", Decimal("11.5") -> "11.5"."""
    return format(Decimal(value or 0).normalize(), "f")


def _days(value) -> str:
    return _("%(days)s days") % {"days": _number(value)}


def _count(value) -> str:
    return str(int(value or 0))


def _share(value) -> str:
    return percent(None if value is None else float(value))


def _yes_no(value) -> str:
    return "—" if value is None else str(_("yes") if value else _("no"))


def _either(yes, no):
    return lambda value: str(yes if value else no)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _export(value):
    """Numbers stay numbers in the spreadsheet; yes/no become words; text
    that a spreadsheet would run as a formula (an imported name like
    "=HYPERLINK(...)") is written as text."""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    field: str  # a key of the rows' .values()
    label: str
    searchable: bool = False
    display: object = _plain  # value -> what the page shows
    export: object = _export  # value -> what the spreadsheet holds


def _officer_columns() -> list[Column]:
    return [
        Column("staff_no", _("staff number"), searchable=True),
        Column("name", pgettext("person", "name"), searchable=True),
        Column("unit__name", _("unit")),
        Column("position", _("position")),
    ]


def _unit_columns() -> list[Column]:
    return [Column("code", _("unit code"), searchable=True), Column("name", _("unit"), searchable=True)]


def _record_unit_columns() -> list[Column]:
    return [Column("unit__code", _("unit code"), searchable=True), Column("unit__name", _("unit"), searchable=True)]


def _rank_label(value) -> str:
    return str(Officer.RankLevel(value).label) if value in Officer.RankLevel.values else _plain(value)


def _columns_by_key(key: str) -> list[Column] | None:
    """The columns of each definition's drill-down: who or what is listed,
    the facts that decide, and the figure that counts, worded for people."""
    t = settings.TEAM_INDICATORS
    band = {"low": t["team_age_low"], "high": t["team_age_high"]}
    team_name = _("leadership team")
    specs = {
        "training_days_12": lambda: _officer_columns() + [
            Column("figure", _("training days in the year"), display=_days),
        ],
        "leader_fulltime_training_5y": lambda: _officer_columns() + [
            Column("rank_level", _("rank level"), display=_rank_label, export=_rank_label),
            Column("figure", _("full-time training days in %(years)s years") % {
                "years": t["leader_fulltime_window_years"]}, display=_days),
        ],
        "reserve_two_leadership_posts": lambda: _officer_columns() + [
            Column("figure", _("leadership posts held"), display=_count),
        ],
        "reserve_grassroots": lambda: _officer_columns() + [
            Column("figure", _("grassroots postings held"), display=_count),
        ],
        "leadership_team_age": lambda: _unit_columns() + [
            Column("team_size", _("team members")),
            Column("aged_in_band", _("members aged %(low)s–%(high)s") % band),
            Column("figure", _("share aged %(low)s–%(high)s") % band, display=_share),
        ],
        "integrity_appraisal_pass_rate": lambda: _record_unit_columns() + [
            Column("officer__staff_no", _("staff number"), searchable=True),
            Column("officer__name", _("appraised"), searchable=True,
                   display=lambda v: team_name if v is None else v,
                   export=lambda v: str(team_name) if v is None else v),
            Column("figure", _("result"), display=_either(_("pass"), _("fail")),
                   export=_either(_("pass"), _("fail"))),
        ],
        "case_involvement_rate": lambda: _officer_columns() + [
            Column("figure", _("cases opened in the year"), display=_count),
        ],
        "satisfaction_rate": lambda: _record_unit_columns() + [
            Column("respondents", _("respondents")),
            Column("satisfied", _("satisfied")),
            Column("figure", _("satisfaction"), display=_share),
        ],
        "inspection_pass_rate": lambda: _record_unit_columns() + [
            Column("date", _("date")),
            Column("figure", _("result"), display=_either(_("passed"), _("not passed")),
                   export=_either(_("passed"), _("not passed"))),
        ],
        # The areas share their words with roles and record kinds
        # ("supervision"), which translate differently there: hence the
        # context.
        "information_coverage": lambda: _unit_columns() + [
            Column("covers_political_work", pgettext("information coverage area", "political work"), display=_yes_no),
            Column("covers_training", pgettext("information coverage area", "training"), display=_yes_no),
            Column("covers_leader_appraisal", pgettext("information coverage area", "leader appraisal"), display=_yes_no),
            Column("covers_supervision", pgettext("information coverage area", "supervision"), display=_yes_no),
            Column("figure", _("areas covered"), display=lambda v: _("%(n)s of 4") % {"n": _count(v)}),
        ],
        "audit_coverage": lambda: _unit_columns() + [
            Column("last_audit", _("last covering audit completed")),
            Column("figure", _("covered"), display=_yes_no, export=_yes_no),
        ],
        "internal_control_rate": lambda: _unit_columns() + [
            Column("established_date", _("mechanism established")),
            Column("figure", _("established by the year's end"), display=_yes_no, export=_yes_no),
        ],
    }
    spec = specs.get(key)
    return spec() if spec else None


def _columns_by_model(model) -> list[Column]:
    """For a definition this module does not know yet: who is listed,
    judged from what its ``members`` returns."""
    if model is Officer:
        columns = _officer_columns()
    elif model is Unit:
        columns = _unit_columns()
    else:
        columns = _record_unit_columns()
    return columns + [Column("figure", _("figure"))]


def _available(queryset: models.QuerySet, field: str) -> bool:
    root = field.split("__")[0]
    if root in queryset.query.annotations:
        return True
    return any(f.name == root for f in queryset.model._meta.get_fields())


def drill_down_columns(queryset: models.QuerySet, indicator: engine.Indicator) -> list[Column]:
    columns = _columns_by_key(indicator.key) or _columns_by_model(queryset.model)
    meets = Column(
        "meets", _("meets the target"),
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

    @property
    def logged(self) -> bool:
        """Does showing these rows go to the access log? (access.md: every
        view or export that shows case information.)"""
        return bool(getattr(self.indicator, "sensitive", False))


def drill_down(user, *, indicator: engine.Indicator, unit: Unit, year: int,
               search: str = "", missing_only: bool = False, sort: str = "") -> DrillDown:
    """The members behind one number: the denominator's people (or teams,
    units, records) for ``unit``'s scope, marked by whether each meets the
    target."""
    indicator = indicator.for_reader(user)
    members = indicator.members(year=year, root=unit)
    if hasattr(members, "visible_to"):
        # The drill-down check already keeps the unit inside the user's
        # grants; this keeps every listed row inside them too.
        members = members.visible_to(user)
    if getattr(indicator, "sensitive", False) and members.model is Officer:
        # Conflict of interest (回避): nobody reads whether they themselves
        # are named in a case.
        members = members.exclude(user=user)
    columns = drill_down_columns(members, indicator)
    if search:
        condition = Q()
        for column in columns:
            if column.searchable:
                condition |= Q(**{f"{column.field}__icontains": search})
        members = members.filter(condition)
    if missing_only:
        members = members.filter(meets=False)

    fields = [column.field for column in columns]
    natural = fields[0]
    sort_field = sort.lstrip("-")
    if sort_field in fields:
        ordering = [sort] if sort_field == natural else [sort, natural]
        applied = sort
    else:
        # Those short of the target first: they are what the page is for.
        ordering, applied = ["meets", natural], ""
    rows = members.order_by(*ordering, "pk").values("pk", *fields)

    roots = Unit.objects.filter(pk=unit.pk)
    figure = disclosure.disclose(
        indicator.figure(*indicator.counts(year=year, roots=roots).get(unit.pk, (0, 0))),
        indicator=indicator, unit_id=unit.pk, entitled=disclosure.entitled_units(user, [unit.pk]),
    )
    return DrillDown(indicator=indicator, unit=unit, year=year, figure=figure, columns=columns, rows=rows, sort=applied)


def display_rows(drill: DrillDown, rows) -> list[dict]:
    """Rows for the page: the shown cells (without the mark) and the mark."""
    shown = [column for column in drill.columns if column.field != "meets"]
    return [
        {"cells": [column.display(row[column.field]) for column in shown], "meets": row["meets"]}
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
