"""Reads for the alert review desk: the queue, the reviewers, and the facts
that fired an alert (its evidence).

Every alert comes through ``RiskAlert.objects.visible_to`` (grants, and the
conflict-of-interest rule). The evidence of an alert is read without the
grant that would show those records elsewhere, because shared/spec/access.md
makes them part of the alert ("the facts of an alert are part of the
alert"): for a rotation alert exactly the posting(s) that fired it, for an
enforcement outlier the officer's monthly statistics and the peers' ratios
(without names), for a unit alert the counts. Complaints and cases are
records of their own and are shown only as far as ``visible_to`` allows.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.indicators import on_roll_at
from org.models import Unit, UnitGroupObjectPermission, UnitScope, UnitUserObjectPermission
from org.roles import Role
from personnel.models import Officer, Posting

from .models import Case, CaseOfficer, Complaint, EnforcementStat, RiskAlert
from .risk import LEVEL_WORDS, MAD_SCALE, enforcement_months, enforcement_ratios, rotation_due, window_start

Rule = RiskAlert.Rule

# --- Numbers in words ------------------------------------------------------------


def percent(value) -> str:
    """A share as a percentage with at most one decimal ("18%", "2.5%")."""
    text = f"{float(value) * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def times(ratio, median) -> str:
    """How many times ``median`` ``ratio`` is, as a supervisor says it: a
    whole number from 10 up, else one decimal ("6", "2.5")."""
    value = float(Fraction(ratio) / Fraction(median))
    if value >= 10:
        return str(round(value))
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def years_between(start: dt.date, end: dt.date) -> str:
    return f"{(end - start).days / 365.25:.1f}"


# --- The rule in words ---------------------------------------------------------------


def rule_in_words(rule: str) -> str:
    """What makes ``rule`` fire, with its thresholds from the settings."""
    risk = settings.INTEGRITY_RISK
    if rule == Rule.ROTATION_OVERDUE:
        return _(
            "Fires when an officer has held a high-risk post for %(years)s years or more without rotation "
            "(the post's risk level is the named risk point's, else the posting's)."
        ) % {"years": risk["rotation_years"]["high"]}
    if rule == Rule.REPEATED_COMPLAINTS:
        return _(
            "Fires when an officer receives %(n)s or more complaints in %(days)s days "
            "(complaints found unsubstantiated are not counted)."
        ) % {"n": risk["complaints_min"], "days": risk["complaints_window_days"]}
    if rule == Rule.ENFORCEMENT_OUTLIER:
        return _(
            "Fires when an officer's override ratio over the last %(months)s months is far above that of the "
            "officers of the same customs: more than %(z)s times the usual spread above their median "
            "(only officers with at least %(min)s declarations are compared)."
        ) % {
            "months": risk["enforcement_months"],
            "z": risk["enforcement_z_max"],
            "min": risk["enforcement_min_declarations"],
        }
    return _(
        "Fires when the officers of a customs and the units below it named in cases opened in %(days)s days "
        "are more than %(rate)s of its officers on the roll."
    ) % {"days": risk["unit_case_window_days"], "rate": percent(risk["unit_case_rate_max"])}


def score_parts(alert: RiskAlert) -> list[tuple[str, int]]:
    """The score's parts as (rule in words, weight), read from the stored
    arithmetic ("rotation_overdue 40 + repeated_complaints 30 = 70")."""
    terms = alert.score_arithmetic.split("=", 1)[0].split("+")
    parts = []
    for term in terms:
        key, _sep, weight = term.strip().rpartition(" ")
        if key in Rule.values and weight.isdigit():
            parts.append((Rule(key).label, int(weight)))
    return parts


# --- Units as paths ---------------------------------------------------------------------


def unit_paths() -> dict[int, str]:
    """{unit id: "广州海关 › 黄埔海关 › 黄埔海关查验科"} for every unit, in one
    query (the General Administration, at the top of every path, left out)."""
    rows = {
        pk: (name, parent, kind) for pk, name, parent, kind in Unit.objects.values_list("pk", "name", "parent", "kind")
    }
    paths: dict[int, str] = {}
    for pk in rows:
        names, at = [], pk
        while at is not None and at in rows:
            name, parent, kind = rows[at]
            if kind != Unit.Kind.HQ or at == pk:
                names.append(name)
            at = parent
        paths[pk] = " › ".join(reversed(names))
    return paths


# --- The queue ---------------------------------------------------------------------------

SORTS = {
    "score": ("score", "pk"),
    "age": ("raised_on", "pk"),
    "unit": ("subject_unit_code", "pk"),
    "rule": ("rule", "pk"),
    "assignee": ("assignee__username", "pk"),
    "due": ("due_date", "pk"),
}
DEFAULT_SORT = "-score"
STATUS_ALL = "all"


def review_queue(
    access,
    *,
    rule: str = "",
    status: str = "",
    unit=None,
    min_score: int | None = None,
    min_age_days: int | None = None,
    assignee: str = "",
    search: str = "",
    sort: str = DEFAULT_SORT,
    today: dt.date | None = None,
) -> QuerySet:
    """The alerts the reader may see, filtered and sorted as the queue asks.

    No status means the working queue (open and in review). ``assignee`` is
    "" (anyone), "none" (nobody yet), "me" or a user id. The age of an alert
    is counted from the scan date that first raised it.
    """
    alerts = (
        RiskAlert.objects.visible_to(access.user)
        .select_related("officer", "officer__unit", "unit", "assignee")
        .annotate(subject_unit_code=Coalesce("officer__unit__code", "unit__code"))
    )
    if rule:
        alerts = alerts.filter(rule=rule)
    if status == STATUS_ALL:
        pass
    elif status:
        alerts = alerts.filter(status=status)
    else:
        alerts = alerts.active()
    if unit is not None:
        alerts = alerts.in_unit_scope(unit)
    if min_score is not None:
        alerts = alerts.filter(score__gte=min_score)
    if min_age_days is not None:
        alerts = alerts.filter(raised_on__lte=(today or timezone.localdate()) - dt.timedelta(days=min_age_days))
    if assignee == "none":
        alerts = alerts.filter(assignee__isnull=True)
    elif assignee == "me":
        alerts = alerts.filter(assignee=access.user)
    elif assignee.isdigit():
        alerts = alerts.filter(assignee_id=int(assignee))
    search = search.strip()
    if search:
        alerts = alerts.filter(
            Q(officer__name__icontains=search)
            | Q(officer__staff_no__iexact=search)
            | Q(officer__unit__name__icontains=search)
            | Q(unit__name__icontains=search)
            | Q(officer__unit__code=search)
            | Q(unit__code=search)
        )
    key = sort.lstrip("-")
    fields = SORTS.get(key, SORTS["score"])
    descending = sort.startswith("-") if key in SORTS else True
    order = [F(fields[0]).desc(nulls_last=True) if descending else F(fields[0]).asc(nulls_last=True)]
    return alerts.order_by(*order, fields[1])


def queue_units(access) -> QuerySet:
    """The units the queue may be filtered by: those in the reader's
    supervision scope, in code order (the tree's order)."""
    return Unit.objects.filter(pk__in=access.units(Role.SUPERVISION)).order_by("code")


def reviewers(access, *, covering=None) -> QuerySet:
    """Active users holding a supervision grant on a unit within the
    reader's supervision scope (the reader included): whom the reader may
    assign alerts to; with ``covering`` (a unit), only those whose grant
    covers that unit. The assignment itself checks the alert
    (``services.alert_assign``)."""
    codename = Role.SUPERVISION.codename
    units = access.units(Role.SUPERVISION)
    if covering is not None:
        units = (
            Unit.objects.filter(pk__in=units)
            .filter(pk__in=UnitScope.objects.filter(unit=covering).values("root"))
            .values("pk")
        )
    direct = UnitUserObjectPermission.objects.filter(permission__codename=codename, content_object__in=units)
    via_group = UnitGroupObjectPermission.objects.filter(permission__codename=codename, content_object__in=units)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk__in=direct.values("user"))
            | Q(groups__in=via_group.values("group"))
            | (Q(pk=getattr(access.user, "pk", None)) if covering is None else Q(pk__in=[]))
        )
        .distinct()
        .order_by("username")
    )


def alert_or_none(access, pk) -> RiskAlert | None:
    return (
        RiskAlert.objects.visible_to(access.user)
        .select_related("officer", "officer__unit", "unit", "case", "reviewer", "assignee")
        .filter(pk=pk)
        .first()
    )


# --- The facts that fired an alert ---------------------------------------------------------


def _customs_of(unit_ref: str) -> Subquery:
    """The name of the directly-affiliated customs at or above a unit."""
    return Subquery(
        UnitScope.objects.filter(unit=OuterRef(unit_ref), root__kind=Unit.Kind.DIRECT)
        .order_by("root_id")
        .values("root__name")[:1]
    )


def rotation_evidence(alert: RiskAlert, paths: dict[int, str]) -> list[dict]:
    """The posting(s) that fired a rotation alert on its scan date: unit path,
    post, risk level, since when, years held against the limit, customs."""
    as_of = alert.as_of
    limit = settings.INTEGRITY_RISK["rotation_years"]
    postings = (
        Posting.objects.filter(officer_id=alert.officer_id, start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=as_of))
        .annotate(level=Coalesce("risk_point__level", "post_risk"), customs=_customs_of("unit"))
        .filter(rotation_due(as_of))
        .select_related("risk_point")
        .order_by("start_date", "pk")
    )
    return [
        {
            "unit_path": paths.get(p.unit_id, ""),
            "customs": p.customs or "",
            "position": p.position,
            "level": LEVEL_WORDS[p.level],
            "risk_point": p.risk_point.name if p.risk_point_id else "",
            "since": p.start_date,
            "years": years_between(p.start_date, as_of),
            "limit": limit[p.level],
            "as_of": as_of,
        }
        for p in postings
    ]


@dataclass
class Outlier:
    """An enforcement outlier's figures, the peers' ratios and the chart."""

    ratio: Fraction
    overrides: int
    declarations: int
    median: Fraction
    mad: Fraction
    threshold: Fraction
    peers: list[Fraction]
    customs: str
    first: dt.date
    last: dt.date
    months: list
    summary: str
    threshold_words: str
    chart: dict


CHART_WIDTH, CHART_LEFT, CHART_RIGHT, CHART_BASE = 600, 20, 20, 90


def _chart(ratios: list[Fraction], own: Fraction, median: Fraction, threshold: Fraction) -> dict:
    """Coordinates of the strip chart: one dot per officer (stacked where
    they coincide), the median and the alert line."""
    top = max([*ratios, threshold]) * Fraction(11, 10) or Fraction(1)
    span = CHART_WIDTH - CHART_LEFT - CHART_RIGHT

    def x(value) -> float:
        return round(CHART_LEFT + float(Fraction(value) / top) * span, 1)

    stacks: dict[int, int] = {}
    dots = []
    own_drawn = False
    for value in sorted(ratios):
        column = round(x(value) / 8)
        height = stacks.get(column, 0)
        stacks[column] = height + 1
        is_own = value == own and not own_drawn
        own_drawn = own_drawn or is_own
        dots.append({"x": x(value), "y": CHART_BASE - 6 - height * 9, "own": is_own})
    ticks = [{"x": x(top * i / 4), "label": percent(top * i / 4)} for i in range(5)]
    return {
        "width": CHART_WIDTH,
        "height": CHART_BASE + 22,
        "base": CHART_BASE,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "dots": dots,
        "own_x": x(own),
        "median_x": x(median),
        "threshold_x": x(threshold),
        "ticks": ticks,
        "median_label": percent(median),
        "threshold_label": percent(threshold),
        "own_label": percent(own),
    }


def outlier_evidence(alert: RiskAlert) -> Outlier | None:
    """The officer's override ratio among the officers of the same
    directly-affiliated customs, recomputed as the scan did on its date;
    None when the officer no longer has enough declarations or the group
    has no spread."""
    as_of = alert.as_of
    first, last = enforcement_months(as_of)
    risk = settings.INTEGRITY_RISK
    customs = (
        UnitScope.objects.filter(unit_id=alert.officer.unit_id, root__kind=Unit.Kind.DIRECT)
        .order_by("root_id")
        .values_list("root_id", "root__name")
        .first()
    )
    if customs is None:
        return None
    rows = enforcement_ratios(as_of, customs=customs[0])
    own = next((r for r in rows if r["officer"] == alert.officer_id), None)
    if own is None:
        return None
    ratios = [Fraction(r["overrides"], r["declarations"]) for r in rows]
    ratio = Fraction(own["overrides"], own["declarations"])
    median = statistics.median(ratios)
    mad = statistics.median([abs(r - median) for r in ratios])
    if mad == 0:
        return None
    threshold = median + Fraction(str(risk["enforcement_z_max"])) * MAD_SCALE * mad
    values = {
        "ratio": percent(ratio),
        "median": percent(median),
        "n": len(ratios),
        "customs": customs[1],
    }
    if median > 0:
        summary = _(
            "Override ratio %(ratio)s, about %(times)s times the usual %(median)s of the %(n)s officers of %(customs)s."
        ) % {**values, "times": times(ratio, median)}
    else:
        summary = (
            _("Override ratio %(ratio)s; the usual ratio of the %(n)s officers of %(customs)s is %(median)s.") % values
        )
    threshold_words = _(
        "The alert line for this group is %(threshold)s: %(overrides)s overrides in %(declarations)s declarations "
        "from %(first)s to %(last)s; officers with at least %(min)s declarations are compared."
    ) % {
        "threshold": percent(threshold),
        "overrides": own["overrides"],
        "declarations": own["declarations"],
        "first": f"{first:%Y-%m}",
        "last": f"{last:%Y-%m}",
        "min": risk["enforcement_min_declarations"],
    }
    months = list(
        EnforcementStat.objects.filter(officer_id=alert.officer_id, month__range=(first, last))
        .order_by("month")
        .values("pk", "month", "declarations", "overrides")
    )
    return Outlier(
        ratio=ratio,
        overrides=own["overrides"],
        declarations=own["declarations"],
        median=median,
        mad=mad,
        threshold=threshold,
        peers=ratios,
        customs=customs[1],
        first=first,
        last=last,
        months=months,
        summary=summary,
        threshold_words=threshold_words,
        chart=_chart(ratios, ratio, median, threshold),
    )


def complaint_evidence(alert: RiskAlert, user) -> list[Complaint]:
    """The officer's complaints received in the rule's window, as far as the
    reader may see them (need-to-know)."""
    start = window_start(alert.as_of, settings.INTEGRITY_RISK["complaints_window_days"])
    return list(
        Complaint.objects.visible_to(user)
        .filter(officer_id=alert.officer_id, received_date__range=(start, alert.as_of))
        .order_by("received_date", "pk")
    )


def case_rate_evidence(alert: RiskAlert, user) -> dict:
    """A customs' case rate on the scan date: the officers named and on the
    roll (counts, part of the alert) and the cases behind them that the
    reader may see."""
    as_of = alert.as_of
    start = window_start(as_of, settings.INTEGRITY_RISK["unit_case_window_days"])
    subtree = UnitScope.objects.filter(root=alert.unit_id).values("unit_id")
    in_window = CaseOfficer.objects.filter(case__opened_date__range=(start, as_of))
    named = Officer.objects.filter(unit__in=subtree, pk__in=in_window.values("officer")).count()
    on_roll = Officer.objects.filter(on_roll_at(as_of), unit__in=subtree).count()
    cases = list(
        Case.objects.visible_to(user)
        .filter(pk__in=in_window.filter(officer__unit__in=subtree).values("case_id"))
        .order_by("opened_date", "case_no")
    )
    limit = settings.INTEGRITY_RISK["unit_case_rate_max"]
    return {
        "named": named,
        "on_roll": on_roll,
        "rate": percent(Fraction(named, on_roll)) if on_roll else "",
        "limit": percent(limit),
        "start": start,
        "as_of": as_of,
        "cases": cases,
    }


def officer_cases(alert: RiskAlert, user) -> list[CaseOfficer]:
    """The alert's officer's place in each case naming them that the reader
    may see: the case and the officer's own category, status and sanction."""
    return list(
        CaseOfficer.objects.filter(officer_id=alert.officer_id, case__in=Case.objects.visible_to(user).values("pk"))
        .select_related("case")
        .order_by("-case__opened_date", "case__case_no")
    )


def alert_history(alert: RiskAlert) -> list[dict]:
    """The alert's history, newest first, each row with what changed in words."""
    rows = list(alert.history.select_related("history_user", "assignee").order_by("history_date", "history_id"))
    entries, before = [], None
    for row in rows:
        changes = []
        if before is None:
            changes.append(_("raised by the scan of %(date)s") % {"date": row.raised_on.isoformat()})
        else:
            if row.status != before.status:
                changes.append(_("status: %(status)s") % {"status": row.get_status_display()})
            if row.disposition != before.disposition and row.disposition:
                changes.append(_("disposition: %(d)s") % {"d": row.get_disposition_display()})
            if row.assignee_id != before.assignee_id:
                changes.append(
                    _("assigned to %(user)s") % {"user": row.assignee} if row.assignee_id else _("assignment removed")
                )
            if row.due_date != before.due_date and row.due_date:
                changes.append(_("due by %(date)s") % {"date": row.due_date.isoformat()})
            if row.score != before.score or row.facts != before.facts:
                changes.append(_("facts updated by the scan of %(date)s") % {"date": row.as_of.isoformat()})
        if changes:
            user = row.history_user
            who = (user.get_full_name() or user.get_username()) if user is not None else _("the scan")
            entries.append({"at": row.history_date, "who": who, "changes": changes})
        before = row
    entries.reverse()
    return entries
