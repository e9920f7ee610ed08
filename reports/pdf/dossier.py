"""The dossier: everything an appraisal meeting needs about one leader (or,
for any other officer, their own record), on one or two A4 pages.

A leader's dossier is titled for a leading cadre and judged by every rule;
an officer who holds no leadership post gets an officer's dossier, judged
only by the rules for every officer (the yearly training days): the
five-year full-time total is a rule for leaders (indicators.md) and the
comprehensive appraisal section is the leaders' (printed for an officer
only when appraisals of them exist). A year before the training records
begin shows no data, not 0 days.

Sections: profile, postings, reserve-cadre status, training
against the yearly and five-year thresholds, leader appraisals of the last
five years, integrity-responsibility appraisals and audits, and — for readers allowed to know — counts of cases and open
alerts. Supervision, which may open the cases, also gets the cases naming
the officer, each with the officer's own category, status and sanction
(never a colleague's in the same case). Every selection goes through
``visible_to(reader)``; a section the reader may not read at all is left
out rather than printed empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.platypus import Paragraph

from audit.models import Audit
from core import dates, disclosure
from integrity.models import Case, CaseOfficer, IntegrityAppraisal, RiskAlert
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from training.models import TrainingRecord

from .. import access
from . import layout
from .common import age_at_year_end, fmt_date, fmt_days, furniture, met_label, yes_no


@dataclass
class TrainingYear:
    year: int
    days: Decimal
    full_time_days: Decimal
    # False for a year before the training records begin or before the hire.
    has_data: bool = True

    @property
    def meets(self) -> bool | None:
        if not self.has_data:
            return None
        return self.days >= settings.TEAM_INDICATORS["training_days_min"]


@dataclass
class Dossier:
    officer: Officer
    year: int
    reader: object
    postings: list | None = None
    reserve: list | None = None
    training: list[TrainingYear] | None = None
    full_time_total: Decimal = Decimal(0)
    appraisals: list | None = None
    integrity_appraisals: list | None = None
    audits: list | None = None
    integrity_counts: dict | None = None
    # The officer's own links to the cases counted (supervision only).
    case_links: list | None = None
    case_ids: list = field(default_factory=list)
    alert_ids: list = field(default_factory=list)
    carries_integrity: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def window(self) -> range:
        years = settings.TEAM_INDICATORS["leader_fulltime_window_years"]
        return range(self.year - years + 1, self.year + 1)

    @property
    def is_leader(self) -> bool:
        return bool(self.officer.is_leader)


def collect(officer: Officer, year: int, reader) -> Dossier:
    """Read everything the dossier prints, in a fixed number of queries."""
    d = Dossier(officer=officer, year=year, reader=reader)
    first, last = d.window[0], d.window[-1]

    if access.may_read_kind(reader, Posting, officer):
        d.postings = list(
            access.visible(Posting, reader).filter(officer=officer).select_related("unit").order_by("start_date", "pk")
        )
    if access.may_read_kind(reader, ReserveCadre, officer):
        d.reserve = list(access.visible(ReserveCadre, reader).filter(officer=officer).order_by("added_date"))
    if access.may_read_kind(reader, TrainingRecord, officer):
        per_year = {
            row["y"]: row
            for row in access.visible(TrainingRecord, reader)
            .filter(officer=officer, start_date__year__gte=first, start_date__year__lte=last)
            .annotate(y=ExtractYear("start_date"))
            .values("y")
            .annotate(total=Sum("days"), full=Sum("days", filter=Q(mode=TrainingRecord.Mode.FULL_TIME)))
            .order_by("y")
        }
        records_since = dates.year_choices().since or d.window[0]
        hired = officer.hire_date.year if officer.hire_date else records_since
        d.training = [
            TrainingYear(
                y,
                per_year.get(y, {}).get("total") or Decimal(0),
                per_year.get(y, {}).get("full") or Decimal(0),
                has_data=y >= max(records_since, hired) or y in per_year,
            )
            for y in d.window
        ]
        d.full_time_total = sum((t.full_time_days for t in d.training), Decimal(0))
    if access.may_read_kind(reader, LeaderAppraisal, officer):
        d.appraisals = list(
            access.visible(LeaderAppraisal, reader)
            .filter(officer=officer, year__gte=first, year__lte=last)
            .order_by("-year")
        )
    _collect_integrity(d)
    _collect_audits(d)
    return d


def _collect_integrity(d: Dossier) -> None:
    officer, reader = d.officer, d.reader
    first, last = d.window[0], d.window[-1]
    if access.may_read_kind(reader, IntegrityAppraisal, officer):
        # The leader's own rows and those of the leadership team of their
        # unit (the team row names no officer).
        d.integrity_appraisals = list(
            access.visible(IntegrityAppraisal, reader)
            .filter(Q(officer=officer) | Q(officer__isnull=True, unit=officer.unit_id), year__gte=first, year__lte=last)
            .select_related("unit")
            .order_by("-year", "officer_id")
        )
    if not access.may_know_integrity(reader, officer):
        return
    # Supervision reads cases and alerts through their need-to-know
    # querysets, so it counts exactly the records it may open. Leadership
    # may know them only as counts (access.md), but these are counted over
    # one officer: the small-counts rule (core/disclosure.py) withholds
    # them from a reader who may not see the records behind them.
    if not (access.sees_everything(reader) or access.has_role_on(reader, "supervision", officer)):
        d.integrity_counts = {"cases": None, "alerts": None}
        return
    cases, alerts = access.visible(Case, reader), access.visible(RiskAlert, reader)
    d.case_links = list(
        CaseOfficer.objects.filter(officer=officer, case__in=cases.values("pk"))
        .select_related("case")
        .order_by("case__opened_date", "case__case_no")
    )
    d.case_ids = [link.case_id for link in d.case_links]
    d.alert_ids = list(alerts.filter(officer=officer, status__in=RiskAlert.ACTIVE).values_list("pk", flat=True))
    d.integrity_counts = {"cases": len(d.case_ids), "alerts": len(d.alert_ids)}
    d.carries_integrity = True


def _collect_audits(d: Dossier) -> None:
    if not access.may_read_kind(d.reader, Audit, d.officer):
        return
    d.audits = list(access.visible(Audit, d.reader).filter(officer=d.officer).order_by("period_start", "audit_no"))


def story(d: Dossier) -> list:
    s = layout.styles()
    o = d.officer
    ti = settings.TEAM_INDICATORS
    title = (
        _("Appraisal dossier of a leading cadre (%(year)s)")
        if d.is_leader
        else _("Appraisal dossier of an officer (%(year)s)")
    )
    out: list = [Paragraph(layout.text(title % {"year": d.year}), s.title)]

    # --- profile
    out.append(layout.heading(_("Profile")))
    leave = fmt_date(o.leave_date) or "—"
    rows = [
        [_("Name"), o.name, _("Staff number"), o.staff_no],
        [_("Unit"), o.unit.name, _("Gender"), o.get_gender_display()],
        [
            _("Rank level"),
            o.get_rank_level_display(),
            _("Age at year end"),
            _("%(age)s (born %(date)s)")
            % {"age": age_at_year_end(o.birth_date, d.year), "date": fmt_date(o.birth_date)},
        ],
        [_("Leadership post"), o.position or "—", _("Leading cadre"), yes_no(o.is_leader)],
        [_("Hire date"), fmt_date(o.hire_date), _("Leave date"), leave],
    ]
    w = layout.TEXT_WIDTH
    profile = layout.table(
        [_("Item"), _("Content"), _("Item"), _("Content")], rows, [0.16 * w, 0.34 * w, 0.16 * w, 0.34 * w]
    )
    out.append(profile)

    # --- postings
    if d.postings is not None:
        out.append(layout.heading(_("Posting history")))
        if d.postings:
            rows = [
                [
                    p.unit.name,
                    p.position,
                    fmt_date(p.start_date),
                    fmt_date(p.end_date) or _("to date"),
                    yes_no(p.leadership),
                    yes_no(p.grassroots),
                    p.get_post_risk_display(),
                ]
                for p in d.postings
            ]
            out.append(
                layout.table(
                    [
                        _("Unit"),
                        _("Position"),
                        _("Start"),
                        _("End"),
                        _("Leadership post"),
                        _("Grassroots"),
                        _("Risk level"),
                    ],
                    rows,
                    [0.24 * w, 0.22 * w, 0.12 * w, 0.12 * w, 0.1 * w, 0.1 * w, 0.1 * w],
                )
            )
            leadership = sum(1 for p in d.postings if p.leadership)
            grassroots = sum(1 for p in d.postings if p.grassroots)
            out.append(
                layout.note(
                    _("%(leadership)s leadership posts, %(grassroots)s grassroots postings.")
                    % {"leadership": leadership, "grassroots": grassroots}
                )
            )
        else:
            out.append(layout.empty())

    # --- reserve cadre
    if d.reserve is not None:
        out.append(layout.heading(_("Reserve cadre status")))
        year_end = dt.date(d.year, 12, 31)
        # In the pool on Y-end, as indicators.md counts reserve cadres.
        in_pool = [
            r for r in d.reserve if r.added_date <= year_end and (r.removed_date is None or r.removed_date > year_end)
        ]
        if d.reserve:
            rows = [[r.get_level_display(), fmt_date(r.added_date), fmt_date(r.removed_date) or "—"] for r in d.reserve]
            out.append(layout.table([_("Level"), _("Added"), _("Removed")], rows, [0.3 * w, 0.35 * w, 0.35 * w]))
        status = (
            _("In the reserve pool at the end of %(year)s (%(level)s).")
            % {"year": d.year, "level": "、".join(r.get_level_display() for r in in_pool)}
            if in_pool
            else _("Not in the reserve pool at the end of %(year)s.") % {"year": d.year}
        )
        out.append(layout.note(status))

    # --- training
    if d.training is not None:
        out.append(layout.heading(_("Training")))
        minimum = ti["training_days_min"]
        rows = [
            [str(t.year), fmt_days(t.days), fmt_days(t.full_time_days), met_label(t.meets)]
            if t.has_data
            else [str(t.year), _("no data"), _("no data"), met_label(None)]
            for t in d.training
        ]
        out.append(
            layout.table(
                [
                    _("Year"),
                    _("Training days"),
                    _("Of which full-time"),
                    _("At least %(days)s days") % {"days": minimum},
                ],
                rows,
                [0.2 * w, 0.27 * w, 0.27 * w, 0.26 * w],
                highlight=[i for i, t in enumerate(d.training) if t.meets is False],
            )
        )
        if d.is_leader:
            out.append(Paragraph(layout.text(_full_time_sentence(d)), s.body))

    # --- leader appraisals (an officer's only when there are any)
    if d.appraisals is not None and (d.is_leader or d.appraisals):
        out.append(layout.heading(_("Comprehensive appraisals of the last five years")))
        by_year = {a.year: a for a in d.appraisals}
        rows = []
        for y in reversed(d.window):
            a = by_year.get(y)
            rows.append(
                [
                    str(y),
                    a.get_grade_display() if a else _("not appraised"),
                    ("" if a is None or a.score is None else f"{a.score.normalize():f}"),
                    (a.comment if a else ""),
                ]
            )
        out.append(
            layout.table(
                [_("Year"), _("Grade"), pgettext("appraisal", "Score"), _("Comment")],
                rows,
                [0.12 * w, 0.18 * w, 0.12 * w, 0.58 * w],
            )
        )

    # --- integrity appraisals
    if d.integrity_appraisals is not None:
        out.append(layout.heading(_("Integrity-responsibility appraisals")))
        if d.integrity_appraisals:
            rows = [
                [
                    str(a.year),
                    _("leadership team of %(unit)s") % {"unit": a.unit.name}
                    if a.officer_id is None
                    else _("individual"),
                    a.get_result_display(),
                ]
                for a in d.integrity_appraisals
            ]
            out.append(layout.table([_("Year"), _("Appraised"), _("Result")], rows, [0.2 * w, 0.4 * w, 0.4 * w]))
        else:
            out.append(layout.empty())

    # --- audits
    if d.audits is not None:
        out.append(layout.heading(_("Audits of the tenure")))
        if d.audits:
            rows = [
                [
                    a.audit_no,
                    a.get_kind_display(),
                    f"{fmt_date(a.period_start)} – {fmt_date(a.period_end)}",
                    fmt_date(a.completed_date) or _("under way"),
                    str(a.finding_count),
                ]
                for a in d.audits
            ]
            out.append(
                layout.table(
                    [_("Audit number"), _("Kind"), _("Period"), _("Completed"), _("Findings")],
                    rows,
                    [0.18 * w, 0.22 * w, 0.3 * w, 0.15 * w, 0.15 * w],
                )
            )
        else:
            out.append(layout.empty())

    # --- integrity counts (only readers allowed to know)
    if d.integrity_counts is not None:
        out.append(layout.heading(_("Integrity record")))
        rows = []
        for key, label in (("cases", _("Discipline cases")), ("alerts", _("Open integrity-risk alerts"))):
            count = d.integrity_counts[key]
            rows.append([label, disclosure.marker() if count is None else str(count)])
        header = [_("Item"), _("Count")]
        if d.case_links:
            # One row per case under its count: the officer's own outcome
            # (category · status · sanction), never a colleague's.
            header = [_("Item"), _("Count, or this officer's outcome in the case")]
            cases = [
                [
                    f"{link.case.case_no} ({fmt_date(link.case.opened_date)})",
                    " · ".join(
                        part for part in (link.get_category_display(), link.get_status_display(), link.sanction) if part
                    ),
                ]
                for link in d.case_links
            ]
            rows[1:1] = cases
        out.append(layout.table(header, rows, [0.5 * w, 0.5 * w]))

    out.append(layout.spacer(3))
    out.append(layout.note(_("Signature of the appraisal team: ____________________    Date: ____________")))
    return out


def _full_time_sentence(d: Dossier) -> str:
    """The leader's five-year full-time total against the rule. Years
    without records count as no data: a total still short of the rule is
    not judged, one that already meets it is."""
    required = settings.TEAM_INDICATORS["leader_fulltime_days_min"]
    missing = [t.year for t in d.training if not t.has_data]
    total_met = d.full_time_total >= required
    values = {
        "first": d.window[0],
        "last": d.window[-1],
        "days": fmt_days(d.full_time_total),
        "required": required,
        "met": met_label(True if total_met else None if missing else False),
    }
    sentence = _("Full-time training %(first)s–%(last)s: %(days)s days against %(required)s days — %(met)s.") % values
    if missing:
        sentence += " " + _("No records for %(years)s.") % {"years": "、".join(str(y) for y in missing)}
    return sentence


def render(officer: Officer, year: int, reader=None, *, request=None, path: str = "") -> bytes:
    """The dossier as PDF bytes. The caller has already checked that
    ``officer`` is visible to ``reader`` (404 otherwise)."""
    d = collect(officer, year, reader)
    pdf = layout.render(
        story(d),
        title=_("Appraisal dossier of %(name)s") % {"name": officer.name},
        author=_("Customs workforce information system"),
        furniture=furniture(f"{officer.unit.name} · {d.year}", reader),
    )
    if d.carries_integrity:
        access.log_integrity_access(reader=reader, d=d, request=request, path=path)
    return pdf
