"""Integrity-risk early warning (廉政风险预警), shared/spec/indicators.md.

``scan(as_of=D)`` runs the four rules and raises or updates alerts. Each
rule is one function returning ``{subject: facts}`` and counts in the
database; only ``enforcement_outlier`` finishes in Python, on the per-officer
ratios already summed by the database (one row per officer with enough
declarations), because a median is not portable SQL.

Readings where the specification is silent:

- A rule that fires again for a subject whose alert is still open or in
  review updates that alert (facts, score, scan date); it never adds a twin,
  and the database refuses one (partial unique constraints on the model).
- An alert whose rule no longer fires is left as it is: only a reviewer
  closes an alert.
- A closed alert is not raised again for the same rule and subject while the
  scan date is within ``closed_quiet_days`` of the last scan that saw it, so
  a daily scan does not reopen what a reviewer has just closed.
- ``unit_case_rate`` counts in its numerator every officer whose current unit
  is in the subtree and who is named in a case opened in the window, whether
  or not still on the roll (a dismissal following the case must not hide
  it); the denominator is the officers on the roll at D, as specified. Its
  facts give counts only, never case numbers or names: a unit alert is read
  by supervision staff who may themselves be named in one of the cases.
- An officer's score is the sum of the weights of the officer rules that
  fired for them in this scan; every one of their alerts carries it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.bulk import history_rows, insert_rows, update_rows
from core.indicators import on_roll_at
from org.models import Unit, UnitScope
from personnel.models import Officer, Posting

from .models import CaseOfficer, Complaint, EnforcementStat, RiskAlert

Rule = RiskAlert.Rule
OFFICER_RULES = [Rule.ROTATION_OVERDUE, Rule.REPEATED_COMPLAINTS, Rule.ENFORCEMENT_OUTLIER]
UNIT_RULES = [Rule.UNIT_CASE_RATE]
MAD_SCALE = Fraction("1.4826")


def config(name: str):
    return settings.INTEGRITY_RISK[name]


def weight(rule: str) -> int:
    return int(settings.INTEGRITY_RISK["weights"][rule])


def window_start(as_of: dt.date, days: int) -> dt.date:
    """First day of "the ``days`` days up to D": D - (days - 1), so that the
    365 days up to D are D - 364 through D."""
    return as_of - dt.timedelta(days=days - 1)


def enforcement_months(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First days of the first and last of the calendar months before D's month."""
    this_month = as_of.replace(day=1)
    return this_month - relativedelta(months=config("enforcement_months")), this_month - relativedelta(months=1)


def _percent(value) -> str:
    return f"{float(value) * 100:.1f}%"


def _years(start: dt.date, end: dt.date) -> str:
    return f"{(end - start).days / 365.25:.1f}"


# --- The rules ---------------------------------------------------------------


def rotation_due(as_of: dt.date) -> Q:
    """Postings (annotated with ``level``) whose level has a rotation limit
    and that started on or before the same calendar day that many years
    before D (29 February falls back to 28 February)."""
    due = Q(pk__in=[])
    for level, years in config("rotation_years").items():
        if years is not None:
            due |= Q(level=level, start_date__lte=as_of - relativedelta(years=years))
    return due


LEVEL_WORDS = {
    Posting.PostRisk.HIGH: _lazy("high-risk"),
    Posting.PostRisk.MEDIUM: _lazy("medium-risk"),
    Posting.PostRisk.LOW: _lazy("low-risk"),
}


def rotation_overdue(as_of: dt.date) -> dict[int, list[str]]:
    """Officers on the roll whose current posting has been held longer than
    its risk level's limit (``rotation_due``). A posting's level is its
    risk point's where it names one, else its ``post_risk``."""
    postings = (
        Posting.objects.filter(
            end_date__isnull=True,
            officer__in=Officer.objects.filter(on_roll_at(as_of)).values("pk"),
        )
        .annotate(level=Coalesce("risk_point__level", "post_risk"))
        .filter(rotation_due(as_of))
        .order_by("officer_id", "start_date")
        .values_list("officer_id", "unit__name", "position", "level", "start_date", "risk_point__name")
    )
    # Translated once, not once per posting (a national scan has thousands).
    levels = {level: str(words) for level, words in LEVEL_WORDS.items()}
    with_point = _(
        "posting at %(unit)s (%(position)s), %(level)s, risk point %(point)s, since %(start)s: %(years)s years"
    )
    without_point = _("posting at %(unit)s (%(position)s), %(level)s, since %(start)s: %(years)s years")
    facts: dict[int, list[str]] = defaultdict(list)
    for officer_id, unit, position, level, start, point in postings:
        values = {
            "unit": unit,
            "position": position,
            "level": levels[level],
            "start": start.isoformat(),
            "years": _years(start, as_of),
        }
        if point is not None:
            values["point"] = point
            facts[officer_id].append(with_point % values)
        else:
            facts[officer_id].append(without_point % values)
    return dict(facts)


def repeated_complaints(as_of: dt.date) -> dict[int, list[str]]:
    """Officers on the roll with at least ``complaints_min`` complaints
    received in the window, not counting those marked unsubstantiated."""
    start = window_start(as_of, config("complaints_window_days"))
    counted = Complaint.objects.filter(
        received_date__range=(start, as_of),
        officer__in=Officer.objects.filter(on_roll_at(as_of)).values("pk"),
    ).exclude(substantiated=False)
    repeated = (
        counted.order_by()
        .values("officer")
        .annotate(n=Count("pk"))
        .filter(n__gte=config("complaints_min"))
        .values("officer")
    )
    facts: dict[int, list[str]] = defaultdict(list)
    status = {True: _("substantiated"), None: _("not yet known")}
    for complaint in counted.filter(officer__in=repeated).order_by("officer_id", "received_date"):
        facts[complaint.officer_id].append(
            _("complaint received %(date)s, %(status)s")
            % {"date": complaint.received_date.isoformat(), "status": status[complaint.substantiated]}
        )
    for lines in facts.values():
        lines.insert(
            0,
            _("%(n)s complaints received from %(start)s to %(end)s (complaints found unsubstantiated not counted)")
            % {"n": len(lines), "start": start.isoformat(), "end": as_of.isoformat()},
        )
    return dict(facts)


def directly_affiliated() -> dict[int, int]:
    """{unit id: its directly-affiliated customs} for every unit at or below
    one: the nearest unit of kind ``direct`` at or above it. Only the tree
    puts a unit in a direct unit's scope (a supervisory office is never a
    direct unit), so the closure table answers it in one grouped query."""
    return dict(
        UnitScope.objects.filter(root__kind=Unit.Kind.DIRECT)
        .order_by()
        .values("unit")
        .annotate(customs=Min("root"))
        .values_list("unit", "customs")
    )


def enforcement_ratios(as_of: dt.date, *, customs: int | None = None) -> list[dict]:
    """Per officer on the roll with enough declarations in the window: the
    sums and the officer's directly-affiliated customs (None for hq, the
    supervisory offices and the college); only the officers of ``customs``
    when given.

    One grouped query by officer and unit; the customs comes from
    ``directly_affiliated``, not from a subquery per row, which PostgreSQL
    would run once per monthly statistic because it is a grouping key."""
    first, last = enforcement_months(as_of)
    of_unit = directly_affiliated()
    stats = EnforcementStat.objects.filter(
        month__range=(first, last),
        officer__in=Officer.objects.filter(on_roll_at(as_of)).values("pk"),
    )
    if customs is not None:
        stats = stats.filter(officer__unit__in=[unit for unit, root in of_unit.items() if root == customs])
    rows = (
        stats.order_by()
        .values("officer", "officer__unit")
        .annotate(declarations=Sum("declarations"), overrides=Sum("overrides"))
        .filter(declarations__gte=config("enforcement_min_declarations"))
        .values_list("officer", "officer__unit", "declarations", "overrides")
    )
    return [
        {"officer": officer, "declarations": declarations, "overrides": overrides, "customs": of_unit.get(unit)}
        for officer, unit, declarations, overrides in rows
    ]


def _exact_order(value: Fraction) -> tuple[float, Fraction]:
    # Converting to float rounds monotonically, so ordering by the float and
    # then by the exact value is the exact order; the float settles almost
    # every comparison at C speed, where comparing Fractions is slow Python.
    return (float(value), value)


def exact_median(values: list[Fraction]) -> Fraction:
    """``statistics.median`` of exact values, sorted by ``_exact_order``
    (thousands of officers per customs at national scale)."""
    ordered = sorted(values, key=_exact_order)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def enforcement_outlier(as_of: dt.date) -> dict[int, list[str]]:
    """Officers whose override ratio has a robust z-score above the threshold
    among the officers of their directly-affiliated customs. Fractions keep
    the comparison exact: a z of exactly 3.5 does not fire."""
    first, last = enforcement_months(as_of)
    z_max = Fraction(str(config("enforcement_z_max")))
    groups: dict[int, list[tuple[int, int, int, Fraction]]] = defaultdict(list)
    for row in enforcement_ratios(as_of):
        if row["customs"] is None:  # hq, supervisory offices, the college
            continue
        ratio = Fraction(row["overrides"], row["declarations"])
        groups[row["customs"]].append((row["officer"], row["overrides"], row["declarations"], ratio))
    names = dict(Unit.objects.filter(pk__in=list(groups)).values_list("pk", "name"))
    facts: dict[int, list[str]] = {}
    for customs, members in groups.items():
        ratios = [m[3] for m in members]
        median = exact_median(ratios)
        mad = exact_median([abs(r - median) for r in ratios])
        if mad == 0:  # no spread: every deviation would be infinite
            continue
        # z > z_max, i.e. the ratio above the line (the spread is positive):
        # one comparison per officer, z worked out only for those above it.
        line = median + z_max * MAD_SCALE * mad
        for officer_id, overrides, declarations, ratio in members:
            if ratio <= line:
                continue
            z = (ratio - median) / (MAD_SCALE * mad)
            facts[officer_id] = [
                _(
                    "override ratio %(ratio)s (%(overrides)s overrides in %(declarations)s declarations, "
                    "%(first)s to %(last)s)"
                )
                % {
                    "ratio": _percent(ratio),
                    "overrides": overrides,
                    "declarations": declarations,
                    "first": f"{first:%Y-%m}",
                    "last": f"{last:%Y-%m}",
                },
                _(
                    "median ratio of the %(n)s officers of %(customs)s with at least %(min)s declarations: "
                    "%(median)s, MAD %(mad)s"
                )
                % {
                    "n": len(members),
                    "customs": names[customs],
                    "min": config("enforcement_min_declarations"),
                    "median": _percent(median),
                    "mad": _percent(mad),
                },
                _("robust z-score %(z)s, above %(max)s") % {"z": f"{float(z):.1f}", "max": config("enforcement_z_max")},
            ]
    return facts


def unit_case_rate(as_of: dt.date) -> dict[int, list[str]]:
    """Directly-affiliated customs whose subtree's case involvement over the
    window exceeds ``unit_case_rate_max`` (exactly at it does not fire)."""
    start = window_start(as_of, config("unit_case_window_days"))
    limit = Fraction(str(config("unit_case_rate_max")))
    subtrees = UnitScope.objects.filter(root__kind=Unit.Kind.DIRECT).order_by().values("root")
    named_in_window = CaseOfficer.objects.filter(case__opened_date__range=(start, as_of)).values("officer")
    named = dict(
        subtrees.filter(unit__officers__in=named_in_window)
        .annotate(n=Count("unit__officers", distinct=True))
        .values_list("root", "n")
    )
    on_roll = dict(
        subtrees.filter(on_roll_at(as_of, "unit__officers__"))
        .annotate(n=Count("unit__officers"))
        .values_list("root", "n")
    )
    names = dict(Unit.objects.filter(pk__in=list(named)).values_list("pk", "name"))
    facts = {}
    for unit_id, numerator in named.items():
        denominator = on_roll.get(unit_id, 0)
        if not denominator or Fraction(numerator, denominator) <= limit:
            continue
        facts[unit_id] = [
            _("%(n)s officers of %(unit)s and the units below it named in cases opened from %(start)s to %(end)s")
            % {"n": numerator, "unit": names[unit_id], "start": start.isoformat(), "end": as_of.isoformat()},
            _("%(d)s officers on the roll on %(end)s") % {"d": denominator, "end": as_of.isoformat()},
            _("case rate %(rate)s (%(n)s / %(d)s), above %(max)s")
            % {
                "rate": f"{numerator / denominator * 100:.2f}%",
                "n": numerator,
                "d": denominator,
                "max": f"{float(limit) * 100:.2f}%",
            },
        ]
    return facts


RULES = {
    Rule.ROTATION_OVERDUE: rotation_overdue,
    Rule.REPEATED_COMPLAINTS: repeated_complaints,
    Rule.ENFORCEMENT_OUTLIER: enforcement_outlier,
    Rule.UNIT_CASE_RATE: unit_case_rate,
}


# --- Scoring and the scan ------------------------------------------------------


def score_arithmetic(rules: list[str]) -> tuple[int, str]:
    """(score, "rotation_overdue 40 + repeated_complaints 30 = 70")."""
    ordered = [rule for rule in RULES if rule in rules]
    total = sum(weight(rule) for rule in ordered)
    return total, " + ".join(f"{rule} {weight(rule)}" for rule in ordered) + f" = {total}"


@dataclass
class ScanResult:
    as_of: dt.date
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    suppressed: int = 0
    fired: dict = field(default_factory=dict)  # rule -> number of subjects


@dataclass(frozen=True)
class Finding:
    """One rule firing for one subject at the scan date, as its alert reads."""

    rule: str
    subject: str  # "officer" or "unit": the alert's field naming the subject
    subject_id: int
    facts: list[str]
    score: int
    arithmetic: str


def _subject_field(rule: str) -> str:
    return "unit" if rule in UNIT_RULES else "officer"


def _subject_id(alert: RiskAlert) -> int:
    return getattr(alert, f"{_subject_field(alert.rule)}_id")


def findings(as_of: dt.date) -> list[Finding]:
    """Every rule at ``as_of``, with each subject's score: a fixed number of
    queries however many subjects fire."""
    fired = {rule: function(as_of) for rule, function in RULES.items()}
    rules_by_officer: dict[int, list[str]] = defaultdict(list)
    for rule in OFFICER_RULES:
        for officer_id in fired[rule]:
            rules_by_officer[officer_id].append(rule)
    out = []
    for rule, subjects in fired.items():
        subject = _subject_field(rule)
        for subject_id, facts in subjects.items():
            score, arithmetic = score_arithmetic(rules_by_officer[subject_id] if subject == "officer" else [rule])
            out.append(Finding(rule, subject, subject_id, facts, score, arithmetic))
    return out


# A scan that raises or changes at least this many alerts (each with its
# history row) runs ANALYZE on the alert tables on PostgreSQL before it
# commits, so that the readers right after it (the reminders that follow the
# daily scan, the alert desk) plan with the new row counts instead of
# waiting for autovacuum. A first scan of a national service raises tens of
# thousands; a daily rescan changes the facts of a few hundred.
ANALYZE_AFTER_ROWS = 1000


@transaction.atomic
def scan(*, as_of: dt.date) -> ScanResult:
    """Run every rule at ``as_of`` and raise or update the alerts.

    The findings are compared with the alerts they may concern in one read
    (the open and in-review alerts, and those closed within the quiet
    period); only the difference is written, each kind in one statement:
    the new alerts and their history rows, the alerts whose facts or score
    changed and their history rows (history_type "~", as a ``save()``
    writes), and the last scan date of the alerts seen again unchanged
    (without history, as before). A rescan that finds what the alerts
    already say writes nothing. An alert whose rule no longer fires is not
    touched: only a reviewer closes it.
    """
    result = ScanResult(as_of=as_of)
    found = findings(as_of)
    result.fired = {rule: 0 for rule in RULES}
    for finding in found:
        result.fired[finding.rule] += 1

    quiet_since = as_of - dt.timedelta(days=config("closed_quiet_days"))
    active: dict[tuple[str, int], RiskAlert] = {}
    quiet: set[tuple[str, int]] = set()
    for alert in RiskAlert.objects.filter(
        Q(status__in=RiskAlert.ACTIVE) | Q(status=RiskAlert.Status.CLOSED, as_of__gt=quiet_since)
    ).order_by("pk"):
        key = (alert.rule, _subject_id(alert))
        if alert.status == RiskAlert.Status.CLOSED:
            quiet.add(key)
        else:
            active[key] = alert

    raised, changed, seen = [], [], []
    for f in found:
        key = (f.rule, f.subject_id)
        alert = active.get(key)
        if alert is None:
            if key in quiet:
                result.suppressed += 1
                continue
            raised.append(
                RiskAlert(
                    rule=f.rule,
                    **{f"{f.subject}_id": f.subject_id},
                    score=f.score,
                    score_arithmetic=f.arithmetic,
                    facts=f.facts,
                    raised_on=as_of,
                    as_of=as_of,
                )
            )
        elif (alert.facts, alert.score, alert.score_arithmetic) != (f.facts, f.score, f.arithmetic):
            alert.facts, alert.score, alert.score_arithmetic = f.facts, f.score, f.arithmetic
            alert.as_of = max(alert.as_of, as_of)
            changed.append(alert)
        else:
            result.unchanged += 1
            if as_of > alert.as_of:
                alert.as_of = as_of
                seen.append(alert)
    _write(raised=raised, changed=changed, seen=seen)
    result.created, result.updated = len(raised), len(changed)
    return result


def _write(*, raised: list[RiskAlert], changed: list[RiskAlert], seen: list[RiskAlert]) -> None:
    """The scan's writes, one statement each whatever their number
    (core/bulk.py), with the history rows a ``save()`` would write:
    "+" for a new alert, "~" for a changed one."""
    history = RiskAlert.history.model
    if raised:
        # Matched back by rule and subject: one active alert each.
        inserted = insert_rows(RiskAlert, raised, returning=["id", "rule", "officer_id", "unit_id"])
        ids = {(rule, officer or unit): pk for pk, rule, officer, unit in inserted}
        for alert in raised:
            alert.pk = ids[alert.rule, _subject_id(alert)]
            alert._state.adding = False
        insert_rows(history, history_rows(RiskAlert, raised, history_type="+"))
    if changed:
        update_rows(RiskAlert, changed, ["facts", "score", "score_arithmetic", "as_of"])
        insert_rows(history, history_rows(RiskAlert, changed, history_type="~"))
    if seen:
        update_rows(RiskAlert, seen, ["as_of"])
    if connection.vendor == "postgresql" and len(raised) + len(changed) >= ANALYZE_AFTER_ROWS:
        tables = (RiskAlert._meta.db_table, history._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def active_alerts() -> QuerySet:
    return RiskAlert.objects.active().select_related("officer", "unit").order_by("-score", "rule", "pk")


def alert_as_dict(alert: RiskAlert) -> dict:
    """The shape of ``scan_risks --format json`` (shared/spec/commands.md)."""
    return {
        "rule": alert.rule,
        "subject_type": alert.subject_type,
        "subject": alert.subject_code,
        "score": alert.score,
        "facts": list(alert.facts),
        "status": alert.status,
    }
