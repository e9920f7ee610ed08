"""Every indicator definition, exactly as shared/spec/indicators.md counts it.

Each definition answers ``counts(year, roots)`` in one query, grouping by
scope root through the ``UnitScope`` closure table, so the dashboard's
breakdown over fifty customs costs what the national figure costs. The
per-officer (or per-team) arithmetic happens in the database as subqueries;
nothing here iterates over officers.

Readings where the specification is silent (keep them consistent with the
project's documentation of the indicators):

- A reserve cadre is counted once per *officer*, however many bureau-level
  pool entries they hold on Y-end; the pool is read from the entries' dates
  alone, as the specification defines it.
- Postings, training records and pool entries count wherever they were made;
  only the officer's *current* unit decides whether they are in scope.
- Ages are whole years completed on Y-end. The comparisons become bounds on
  ``birth_date`` computed here, so the database compares dates, which every
  backend does the same way, instead of doing calendar arithmetic in SQL.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from personnel.models import Officer, Posting, ReserveCadre, Unit, UnitScope
from training.models import TrainingRecord

from .engine import Indicator, register


def _threshold(name: str):
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


def on_roll_at_year_end(year: int, prefix: str = "") -> Q:
    end = year_end(year)
    return Q(**{f"{prefix}hire_date__lte": end}) & (
        Q(**{f"{prefix}leave_date__isnull": True}) | Q(**{f"{prefix}leave_date__gt": end})
    )


def _as_bool(condition) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=models.BooleanField())


def _officer_counts(officers: models.QuerySet, numerator, roots: models.QuerySet) -> dict[int, tuple[int, int]]:
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


def _days_total(records: models.QuerySet) -> Coalesce:
    """The officer's total training days among ``records`` (0 when none),
    as a correlated subquery on the outer officer."""
    total = (
        records.filter(officer=OuterRef("pk"))
        .order_by()
        .values("officer")
        .annotate(total=Sum("days"))
        .values("total")
    )
    return Coalesce(
        Subquery(total, output_field=TrainingRecord._meta.get_field("days")),
        Value(Decimal("0")),
        output_field=models.DecimalField(max_digits=9, decimal_places=1),
    )


def _days_reach(records: models.QuerySet, minimum) -> Exists:
    """Whether the outer officer's ``records`` add up to ``minimum`` days.

    Correlated on the officer rather than one GROUP BY over everybody's
    records: each officer's sum is a short index-only range scan of
    training_officer_year_idx, so the cost follows the number of officers
    in scope, and no hash table of a hundred thousand sums has to spill to
    disk (measured in bench/indicators.py).
    """
    return Exists(
        records.filter(officer=OuterRef("pk"))
        .order_by()
        .values("officer")
        .annotate(total=Sum("days"))
        .filter(total__gte=minimum)
    )


# --- Training ---------------------------------------------------------------


class TrainingDaysIndicator(Indicator):
    """Officers whose training days in a window reach a threshold.

    Subclasses say which records count (``_records``), who is counted
    (``_denominator``) and which setting holds the threshold.
    """

    threshold_setting: str

    def counts(self, *, year, roots):
        reaching = _days_reach(self._records(year), _threshold(self.threshold_setting))
        return _officer_counts(self._denominator(year), reaching, roots)

    def members(self, *, year, root):
        return (
            self._denominator(year)
            .in_unit_scope(root)
            .annotate(figure=_days_total(self._records(year)))
            .annotate(meets=_as_bool(Q(figure__gte=_threshold(self.threshold_setting))))
        )


@register
class TrainingDays(TrainingDaysIndicator):
    key = "training_days_12"
    threshold_setting = "training_days_min"
    label = _("Officers with at least 12 days of training a year")
    seed = "关员参加教育培训每年不少于12天的比例达100%"

    def _records(self, year: int) -> models.QuerySet:
        return TrainingRecord.objects.filter(start_date__range=(year_start(year), year_end(year)))

    def _denominator(self, year: int) -> models.QuerySet:
        return Officer.objects.filter(employed_all_year(year))


@register
class LeaderFullTimeTraining(TrainingDaysIndicator):
    key = "leader_fulltime_training_5y"
    threshold_setting = "leader_fulltime_days_min"
    label = _("Division- and bureau-level leaders with 3 months of full-time training in 5 years")
    seed = "处级以上领导干部参加脱产教育培训5年内累计不少于3个月"

    def _records(self, year: int) -> models.QuerySet:
        first = year - _threshold("leader_fulltime_window_years") + 1
        return TrainingRecord.objects.filter(
            mode=TrainingRecord.Mode.FULL_TIME, start_date__range=(year_start(first), year_end(year))
        )

    def _denominator(self, year: int) -> models.QuerySet:
        return Officer.objects.filter(
            on_roll_at_year_end(year),
            is_leader=True,
            rank_level__in=[Officer.RankLevel.DIVISION, Officer.RankLevel.BUREAU],
        )



# --- Reserve cadres ---------------------------------------------------------


class ReserveIndicator(Indicator):
    """Bureau-level reserve cadres in the pool on Y-end, each judged by the
    postings of a kind that started on or before Y-end."""

    posting_flag: str
    threshold_name: str

    def _denominator(self, year: int) -> models.QuerySet:
        end = year_end(year)
        in_pool = ReserveCadre.objects.filter(
            Q(removed_date__isnull=True) | Q(removed_date__gt=end),
            level=ReserveCadre.Level.BUREAU,
            added_date__lte=end,
        )
        return Officer.objects.filter(pk__in=in_pool.values("officer"))

    def _postings(self, year: int) -> models.QuerySet:
        return (
            Posting.objects.filter(officer=OuterRef("pk"), start_date__lte=year_end(year), **{self.posting_flag: True})
            .order_by()
            .values("officer")
            .annotate(n=Count("pk"))
        )

    def counts(self, *, year, roots):
        reaching = self._postings(year).filter(n__gte=_threshold(self.threshold_name))
        return _officer_counts(self._denominator(year), Exists(reaching), roots)

    def members(self, *, year, root):
        return (
            self._denominator(year)
            .in_unit_scope(root)
            .annotate(figure=Coalesce(Subquery(self._postings(year).values("n")), 0))
            .annotate(meets=_as_bool(Q(figure__gte=_threshold(self.threshold_name))))
        )


@register
class ReserveTwoLeadershipPosts(ReserveIndicator):
    key = "reserve_two_leadership_posts"
    label = _("Bureau-level reserve cadres with two or more leadership posts")
    seed = "厅局级后备干部有两个以上领导岗位工作经历的达到100%"
    posting_flag = "leadership"
    threshold_name = "reserve_leadership_posts_min"


@register
class ReserveGrassroots(ReserveIndicator):
    key = "reserve_grassroots"
    label = _("Bureau-level reserve cadres with grassroots experience")
    seed = "有基层工作经历的达到95%以上"
    posting_flag = "grassroots"
    threshold_name = "reserve_grassroots_posts_min"


# --- Leadership teams -------------------------------------------------------


TEAM_KINDS = [Unit.Kind.DIRECT, Unit.Kind.COLLEGE]


@register
class LeadershipTeamAge(Indicator):
    key = "leadership_team_age"
    label = _("Leadership teams of customs and colleges mainly aged about 50")
    seed = "直属海关、院校领导班子保持以50岁左右的干部为主体"
    subject = "team"

    def _team_sizes(self, year: int, unit_ref: str) -> tuple[Coalesce, Coalesce]:
        """(members, members aged within the band) of the team of the unit
        ``unit_ref`` points to, as correlated subqueries."""
        low, high = _threshold("team_age_low"), _threshold("team_age_high")
        born_from, born_to = born_for_age_at_year_end(year, low, high)
        team = Officer.objects.filter(on_roll_at_year_end(year), unit=OuterRef(unit_ref), is_leader=True)

        def count(qs):
            return Coalesce(Subquery(qs.order_by().values("unit").annotate(n=Count("pk")).values("n")), 0)

        return count(team), count(team.filter(birth_date__range=(born_from, born_to)))

    def counts(self, *, year, roots):
        size, aged = self._team_sizes(year, "unit")
        rows = (
            UnitScope.objects.filter(root__in=roots, unit__kind__in=TEAM_KINDS)
            .alias(size=size, aged=aged)
            .values("root")
            .annotate(
                # "More than half" compared in integers: 2 x aged > size.
                num=Count("pk", filter=Q(size__gt=0, size__lt=F("aged") * 2)),
                den=Count("pk", filter=Q(size__gt=0)),
            )
            .order_by()
        )
        return {row["root"]: (row["num"], row["den"]) for row in rows}

    def members(self, *, year, root):
        """The teams as their units, with ``team_size``, ``aged_in_band`` and
        ``figure`` = the share of the team aged within the band."""
        size, aged = self._team_sizes(year, "pk")
        return (
            Unit.objects.in_unit_scope(root)
            .filter(kind__in=TEAM_KINDS)
            .annotate(team_size=size, aged_in_band=aged)
            .filter(team_size__gt=0)
            .annotate(
                figure=ExpressionWrapper(
                    Cast("aged_in_band", models.FloatField()) / Cast("team_size", models.FloatField()),
                    output_field=models.FloatField(),
                ),
                meets=_as_bool(Q(team_size__lt=F("aged_in_band") * 2)),
            )
        )


# --- Information coverage, audit and internal control -----------------------
# (Appended by the audit app. django.db.models names are spelled
# ``models.X`` here because integrity has a model called ``Case``. Readings
# where the specification is silent are written down in docs/audit.md.)

from audit.models import Audit, InternalControl  # noqa: E402
from integrity.models import Inspection  # noqa: E402
from personnel.models import LeaderAppraisal  # noqa: E402
from training.models import PoliticalWork  # noqa: E402

# The units these three indicators count: customs that run their own
# workforce (directly-affiliated and subordinate), not departments.
CUSTOMS_KINDS = [Unit.Kind.DIRECT, Unit.Kind.SUBORDINATE]


class UnitIndicator(Indicator):
    """An indicator whose denominator is the customs in scope, each judged by
    correlated subqueries on the unit (``unit_ref`` names the outer column
    holding the unit's id: ``unit`` from the closure table, ``pk`` from a
    unit)."""

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
            .annotate(meets=_as_bool(Q(figure=len(checks))))
        )


@register
class InformationCoverage(UnitIndicator):
    key = "information_coverage"
    label = _("Information coverage of the team-building information system")
    seed = "队伍建设信息系统……信息覆盖率达到100%"

    def _checks(self, year, unit_ref):
        start, end = year_start(year), year_end(year)
        in_subtree = {"officer__unit__scope_roots__root": OuterRef(unit_ref)}
        return {
            "covers_political_work": Exists(
                PoliticalWork.objects.filter(unit=OuterRef(unit_ref), date__range=(start, end))
            ),
            "covers_training": Exists(TrainingRecord.objects.filter(start_date__range=(start, end), **in_subtree)),
            "covers_leader_appraisal": Exists(LeaderAppraisal.objects.filter(year=year, **in_subtree)),
            "covers_supervision": Exists(Inspection.objects.filter(unit=OuterRef(unit_ref), date__range=(start, end))),
        }


def audit_window(year: int) -> tuple[dt.date, dt.date]:
    """Years Y-(n-1) … Y, n = the audit window (five years by default)."""
    return year_start(year - _threshold("audit_window_years") + 1), year_end(year)


def covering_audits(year: int, unit_ref) -> models.QuerySet:
    """Audits that cover a unit for year Y: economic-responsibility or
    management audits *on that unit* completed within the window."""
    return Audit.objects.filter(
        unit=unit_ref, kind__in=Audit.COVERING_KINDS, completed_date__range=audit_window(year)
    )


@register
class AuditCoverage(UnitIndicator):
    key = "audit_coverage"
    label = _("Coverage of economic-responsibility and management audits")
    seed = "经济责任(管理)审计覆盖率达到100%"

    def _checks(self, year, unit_ref):
        return {"covered_by_audit": Exists(covering_audits(year, OuterRef(unit_ref)))}

    def members(self, *, year, root):
        """Each customs with ``figure`` 1/0 and ``last_audit``: the latest
        covering completion in the window (None when uncovered)."""
        last = (
            covering_audits(year, OuterRef("pk"))
            .order_by()
            .values("unit")
            .annotate(last=models.Max("completed_date"))
        )
        return super().members(year=year, root=root).annotate(last_audit=Subquery(last.values("last")))


@register
class InternalControlRate(UnitIndicator):
    key = "internal_control_rate"
    label = _("Customs with a long-term internal-control mechanism")
    seed = "在直属海关、隶属海关中建立督察内审长效内控机制的比率达到90%"

    def _checks(self, year, unit_ref):
        return {
            "has_internal_control": Exists(
                InternalControl.objects.filter(unit=OuterRef(unit_ref), established_date__lte=year_end(year))
            )
        }

    def members(self, *, year, root):
        established = InternalControl.objects.filter(unit=OuterRef("pk")).values("established_date")
        return super().members(year=year, root=root).annotate(established_date=Subquery(established))


# --- Supervision: integrity appraisals, cases, surveys, inspections --------
# Defined in integrity/indicators.py (the integrity app owns their records);
# importing it registers them.
from integrity import indicators as _integrity_indicators  # noqa: E402,F401
