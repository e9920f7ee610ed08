"""The unit report: one unit's team-building year on a few A4 pages.

The twelve indicators against their targets (table and chart), their
five-year trends, the breakdown by child unit, the age structure of the
leadership teams, and the lists of gaps. Every figure comes from the
figure snapshot (core/figures.py), which serves the dashboard too and holds
what the indicator engine counts, so the report, the dashboard and the
``indicators`` command print the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Table, TableStyle

from core import dates, disclosure
from core import figures as snapshot
from core import indicators as engine
from core.indicators import born_for_age_at_year_end, comparison_text, on_roll_at_year_end, percent
from org.models import Unit
from personnel.indicators import TEAM_KINDS
from personnel.models import Officer

from .. import access
from . import charts, layout
from .common import furniture

# How many rows of each gap list are printed; the rest are counted.
GAP_LIST_LIMIT = 100
# The trends' years, ending with the report's (as engine.trend and the dashboard).
TREND_YEARS = 5


def short(indicator: engine.Indicator) -> str:
    """The breakdown's column headings and the chart's category labels: the
    indicators' full labels do not fit in a 13 mm column."""
    return str(indicator.short_label)


def met_text(figure: engine.Figure) -> str:
    if figure.suppressed:
        return _("not shown")
    return {True: _("met"), False: _("missed"), None: _("no data")}[figure.met]


# A withheld figure in a table cell; the note under the table says why.
WITHHELD_MARK = "*"


def cell_text(figure: engine.Figure | None) -> str:
    if figure is None:
        return "—"
    if figure.suppressed:
        return WITHHELD_MARK
    return _("no data") if figure.value is None else percent(figure.value)


def numerator_text(figure: engine.Figure) -> str:
    return disclosure.marker() if figure.suppressed else str(figure.numerator)


def withheld_note(figures) -> list:
    """The note explaining ``WITHHELD_MARK``, when a table holds one."""
    if any(f is not None and f.suppressed for f in figures):
        return [layout.note(f"{WITHHELD_MARK} {disclosure.marker()}")]
    return []


@dataclass
class Gap:
    title: str
    header: list[str]
    widths: list[float]
    rows: list[list]
    total: int


@dataclass
class TeamAges:
    unit: Unit
    size: int
    young: int
    in_band: int
    old: int

    @property
    def mainly_in_band(self) -> bool:
        # As leadership_team_age counts it: more than half of the team.
        return 2 * self.in_band > self.size


@dataclass
class UnitReport:
    unit: Unit
    year: int
    reader: object
    indicators: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    trends: dict = field(default_factory=dict)
    children: list = field(default_factory=list)
    breakdown: dict = field(default_factory=dict)  # {key: {unit pk: Figure}}
    teams: list[TeamAges] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def may_list(reader, indicator: engine.Indicator, unit: Unit) -> bool:
    """The gap lists are the drill-downs of the dashboard: the same roles
    open them (the definition's ``drill_down_roles``)."""
    if access.sees_everything(reader):
        return True
    roles = indicator.drill_down_roles
    return bool(roles) and access.covers(reader, roles, unit.pk)


def collect(unit: Unit, year: int, reader) -> UnitReport:
    r = UnitReport(unit=unit, year=year, reader=reader)
    r.indicators = [indicator.for_reader(reader) for indicator in engine.indicators()]
    r.children = list(engine.breakdown_roots(unit).order_by("code"))
    # Small counts are withheld from a reader who may not see the records
    # behind them (core/disclosure.py); reader None is the operator's command.
    entitled = access.reads_records_at(reader, [unit, *r.children])

    def shown(indicator, figure, unit_id):
        return disclosure.disclose(figure, indicator=indicator, reads_records=unit_id in entitled)

    # The unit's five years and its children's year in one read of the
    # snapshot, as the dashboard reads them; years before the first year
    # with records show no data, not 0%.
    years = list(range(year - TREND_YEARS + 1, year + 1))
    cells = {(unit.pk, y) for y in years} | {(child.pk, year) for child in r.children}
    figures = snapshot.read_since(r.indicators, cells, since=dates.year_choices().since)
    r.trends = {i.key: [(y, shown(i, figures[i.key, unit.pk, y], unit.pk)) for y in years] for i in r.indicators}
    r.figures = [r.trends[i.key][-1][1] for i in r.indicators]
    for indicator in r.indicators:
        r.breakdown[indicator.key] = {
            child.pk: shown(indicator, figures[indicator.key, child.pk, year], child.pk) for child in r.children
        }
    r.teams = _team_ages(unit, year, reader)
    r.gaps = _gaps(r.indicators, unit, year, reader)
    return r


def _team_ages(unit: Unit, year: int, reader) -> list[TeamAges]:
    """Leadership teams in the unit's scope — the unit's own and those of the
    customs and colleges below it — counted by age band at Y-end in one
    grouped query."""
    from django.conf import settings

    low, high = settings.TEAM_INDICATORS["team_age_low"], settings.TEAM_INDICATORS["team_age_high"]
    born_from, born_to = born_for_age_at_year_end(year, low, high)
    team_units = Unit.objects.in_unit_scope(unit).filter(Q(pk=unit.pk) | Q(kind__in=TEAM_KINDS))
    rows = (
        access.visible(Officer, reader)
        .filter(on_roll_at_year_end(year), is_leader=True, unit__in=team_units)
        .values("unit")
        .annotate(
            size=Count("pk"),
            young=Count("pk", filter=Q(birth_date__gt=born_to)),
            in_band=Count("pk", filter=Q(birth_date__range=(born_from, born_to))),
            old=Count("pk", filter=Q(birth_date__lt=born_from)),
        )
        .order_by()
    )
    counted = {row["unit"]: row for row in rows}
    units = Unit.objects.filter(pk__in=list(counted)).order_by("code")
    return [
        TeamAges(u, counted[u.pk]["size"], counted[u.pk]["young"], counted[u.pk]["in_band"], counted[u.pk]["old"])
        for u in units
    ]


def _gaps(indicators: list[engine.Indicator], unit: Unit, year: int, reader) -> list[Gap]:
    """Each definition's gap list that the reader may open, in the spec's
    order: the members missing the target, as the definition prints them."""
    w = layout.TEXT_WIDTH
    gaps = []
    for indicator in indicators:
        spec = indicator.gap_list(year)
        if spec is None or not may_list(reader, indicator, unit):
            continue
        qs = indicator.members(year=year, root=unit).filter(meets=False)
        # As on the dashboard's drill-down: every listed row inside the
        # reader's grants, not only the unit asked for.
        qs = qs if reader is None else qs.visible_to(reader)
        qs = qs.select_related(*spec.select_related).order_by(*spec.order_by)
        members, total = _first_and_count(qs, GAP_LIST_LIMIT)
        rows = [[column.cell(member) for column in spec.columns] for member in members]
        gaps.append(
            Gap(
                spec.title,
                [column.label for column in spec.columns],
                [column.width * w for column in spec.columns],
                rows,
                total,
            )
        )
    return gaps


def _first_and_count(qs, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows of ``qs`` and how many rows it has, working
    out only once who misses the target (every member's figure: most of the
    report's time at hq). The keys of all the rows in order come first, so
    the count is their number; then the first ``limit`` rows in full, whose
    figures are worked out again for them alone. (A separate COUNT did all
    of the work a second time; a ``COUNT(*) OVER ()`` on the listing query
    led PostgreSQL to join every unit with every row for the unit order.)"""
    keys = list(qs.values_list("pk", flat=True))
    if not keys:
        return [], 0
    return list(qs.filter(pk__in=keys[:limit])), len(keys)


def _indicator_cell(indicator: engine.Indicator, missed: bool) -> Paragraph:
    """The short name, and under it the plan's own wording, which is what
    the people in the meeting know the indicator by."""
    s = layout.styles()
    colour = ' color="#b22222"' if missed else ""
    return Paragraph(
        f"<font{colour}>{layout.text(short(indicator))}</font><br/>"
        f'<font size="6.5" color="#555555">{layout.text(indicator.seed)}</font>',
        s.cell,
    )


def story(r: UnitReport) -> list:
    s = layout.styles()
    w = layout.TEXT_WIDTH
    out: list = [
        Paragraph(
            layout.text(_("Team-building report of %(unit)s for %(year)s") % {"unit": r.unit.name, "year": r.year}),
            s.title,
        )
    ]

    # --- the twelve indicators
    out.append(layout.heading(_("1. The indicators in %(year)s against their targets") % {"year": r.year}))
    rows, missed = [], []
    for n, (indicator, figure) in enumerate(zip(r.indicators, r.figures, strict=True), start=1):
        rows.append(
            [
                str(n),
                _indicator_cell(indicator, figure.met is False),
                numerator_text(figure),
                str(figure.denominator),
                percent(figure.value),
                comparison_text(figure.comparison, figure.target),
                met_text(figure),
            ]
        )
        if figure.met is False:
            missed.append(n - 1)
    out.append(
        layout.table(
            [_("No."), _("Indicator"), _("Numerator"), _("Denominator"), _("Value"), _("Target"), _("Status")],
            rows,
            [0.06 * w, 0.44 * w, 0.1 * w, 0.1 * w, 0.1 * w, 0.1 * w, 0.1 * w],
            highlight=missed,
        )
    )
    bars = [(short(i), f.value, f.target) for i, f in zip(r.indicators, r.figures, strict=True) if f.comparison == ">="]
    out.append(layout.spacer(2))
    out.append(charts.indicator_bars(bars, width=w, actual_label=_("Value"), target_label=_("Target")))
    if any(f.comparison == "<=" for f in r.figures):
        out.append(layout.note(_("Ceilings (such as the case involvement rate) are in the table, not the chart.")))

    # --- trends
    out.append(CondPageBreak(60 * mm))
    out.append(layout.heading(_("2. Five-year trends")))
    years = [y for y, _f in next(iter(r.trends.values()), [])]
    rows = [[short(i)] + [cell_text(f) for _y, f in r.trends[i.key]] for i in r.indicators]
    out.append(
        layout.table(
            [_("Indicator")] + [str(y) for y in years], rows, [0.35 * w] + [0.65 * w / max(1, len(years))] * len(years)
        )
    )
    out.extend(withheld_note(f for i in r.indicators for _y, f in r.trends[i.key]))
    out.append(layout.spacer(2))
    cell_w, cell_h = w / 3, 34 * mm
    drawings = [
        charts.trend_line(
            short(i), [(y, f.value) for y, f in r.trends[i.key]], i.target, width=cell_w - 4, height=cell_h - 4
        )
        for i in r.indicators
    ]
    grid = [drawings[k : k + 3] + [""] * (3 - len(drawings[k : k + 3])) for k in range(0, len(drawings), 3)]
    if grid:
        t = Table(grid, colWidths=[cell_w] * 3, rowHeights=[cell_h] * len(grid))
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
                    ("BOX", (0, 0), (-1, -1), 0.3, layout.GRID),
                    ("INNERGRID", (0, 0), (-1, -1), 0.3, layout.GRID),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        out.append(t)
        out.append(layout.note(_("Dashed line: the target.")))

    # --- breakdown
    out.append(CondPageBreak(50 * mm))
    out.append(layout.heading(_("3. Breakdown by unit")))
    if r.children:
        name_w = 0.2 * w
        col_w = (w - name_w) / max(1, len(r.indicators))
        rows, missed = [], []
        for index, child in enumerate(r.children):
            figures = [r.breakdown[i.key].get(child.pk) for i in r.indicators]
            rows.append([child.name] + [cell_text(f) for f in figures])
            if any(f is not None and f.met is False for f in figures):
                missed.append(index)
        out.append(
            layout.table(
                [_("Unit")] + [short(i) for i in r.indicators],
                rows,
                [name_w] + [col_w] * len(r.indicators),
                highlight=missed,
                font_size=6.5,
            )
        )
        out.append(layout.note(_("Rows in red miss at least one target.")))
        out.extend(withheld_note(f for child_figures in r.breakdown.values() for f in child_figures.values()))
    else:
        out.append(layout.empty(_("This unit has no units below it.")))

    # --- age structure
    from django.conf import settings

    low, high = settings.TEAM_INDICATORS["team_age_low"], settings.TEAM_INDICATORS["team_age_high"]
    out.append(CondPageBreak(40 * mm))
    out.append(
        layout.heading(_("4. Age structure of the leadership teams (age at the end of %(year)s)") % {"year": r.year})
    )
    if r.teams:
        rows = [
            [
                t.unit.name,
                str(t.size),
                str(t.young),
                str(t.in_band),
                str(t.old),
                _("yes") if t.mainly_in_band else _("no"),
            ]
            for t in r.teams
        ]
        total = [sum(getattr(t, a) for t in r.teams) for a in ("size", "young", "in_band", "old")]
        rows.append([_("Total")] + [str(v) for v in total] + [""])
        out.append(
            layout.table(
                [
                    _("Leadership team"),
                    _("Members"),
                    _("Under %(low)s") % {"low": low},
                    _("%(low)s–%(high)s") % {"low": low, "high": high},
                    _("Over %(high)s") % {"high": high},
                    _("Mainly %(low)s–%(high)s") % {"low": low, "high": high},
                ],
                rows,
                [0.35 * w, 0.12 * w, 0.13 * w, 0.13 * w, 0.13 * w, 0.14 * w],
                highlight=[i for i, t in enumerate(r.teams) if not t.mainly_in_band],
            )
        )
    else:
        out.append(layout.empty())

    # --- gaps
    out.append(CondPageBreak(40 * mm))
    out.append(layout.heading(_("5. Gaps")))
    if not r.gaps:
        out.append(layout.empty(_("No gap list is within your access.")))
    for gap in r.gaps:
        out.append(Paragraph(layout.text(f"{gap.title}（{gap.total}）"), s.body))
        if gap.rows:
            out.append(layout.table(gap.header, gap.rows, gap.widths))
            if gap.total > len(gap.rows):
                out.append(
                    layout.note(
                        _("%(more)s more not listed; the dashboard lists them all.")
                        % {"more": gap.total - len(gap.rows)}
                    )
                )
        else:
            out.append(layout.empty())
        out.append(layout.spacer(2))
    return out


def render(unit: Unit, year: int, reader=None) -> bytes:
    """The report as PDF bytes. The caller has already checked that the
    reader may see this unit's figures (404 otherwise)."""
    r = collect(unit, year, reader)
    return layout.render(
        story(r),
        title=_("Team-building report of %(unit)s for %(year)s") % {"unit": unit.name, "year": year},
        author=_("Customs workforce information system"),
        furniture=furniture(f"{unit.name} · {year}", reader),
    )
