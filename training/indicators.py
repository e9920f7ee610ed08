"""The two training indicators (shared/spec/indicators.md), counted from
training records. Readings where the specification is silent are in
docs/indicators.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.indicators import (
    Column,
    GapColumn,
    GapList,
    Indicator,
    as_bool,
    days,
    employed_all_year,
    number,
    officer_columns,
    officer_counts,
    on_roll_at_year_end,
    plain,
    register,
    threshold,
    year_end,
    year_start,
)
from org.roles import Role
from personnel.models import Officer

from .models import TrainingRecord

# Training records are HR data; leadership has every drill-down (access.md).
HR_DATA = frozenset({Role.HR, Role.LEADERSHIP})


def _days_total(records: models.QuerySet) -> Coalesce:
    """The officer's total training days among ``records`` (0 when none),
    as a correlated subquery on the outer officer."""
    total = (
        records.filter(officer=OuterRef("pk")).order_by().values("officer").annotate(total=Sum("days")).values("total")
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


def _rank_label(value) -> str:
    return str(Officer.RankLevel(value).label) if value in Officer.RankLevel.values else plain(value)


def _gap_columns() -> list[GapColumn]:
    return [
        GapColumn(_("Staff number"), 0.16, lambda o: o.staff_no),
        GapColumn(_("Name"), 0.16, lambda o: o.name),
        GapColumn(_("Unit"), 0.38, lambda o: o.unit.name),
        GapColumn(_("Rank level"), 0.16, lambda o: o.get_rank_level_display()),
        GapColumn(_("Days"), 0.14, lambda o: number(o.figure)),
    ]


class TrainingDaysIndicator(Indicator):
    """Officers whose training days in a window reach a threshold.

    Subclasses say which records count (``_records``), who is counted
    (``_denominator``) and which setting holds the threshold.
    """

    threshold_setting: str
    drill_down_roles = HR_DATA

    def counts(self, *, year, roots):
        reaching = _days_reach(self._records(year), threshold(self.threshold_setting))
        return officer_counts(self._denominator(year), reaching, roots)

    def first_year(self, year: int) -> int:
        """The first year of the window the days are summed over."""
        return year

    def minimum(self):
        return threshold(self.threshold_setting)

    def officer_status(self, officer: Officer, year: int) -> dict:
        """One officer's row for ``year``, counted by this definition:
        ``counted`` (whether the officer is in the denominator), ``figure``
        (the days that count, also when not counted) and ``meets``."""
        row = self.members(year=year, root=officer.unit).filter(pk=officer.pk).values("figure", "meets").first()
        if row is not None:
            return {"counted": True, "figure": row["figure"], "meets": bool(row["meets"])}
        figure = self._records(year).filter(officer=officer).aggregate(total=Sum("days"))["total"]
        return {"counted": False, "figure": figure or Decimal(0), "meets": False}

    def members(self, *, year, root):
        return (
            self._denominator(year)
            .in_unit_scope(root)
            .annotate(figure=_days_total(self._records(year)))
            .annotate(meets=as_bool(Q(figure__gte=threshold(self.threshold_setting))))
        )


@register
class TrainingDays(TrainingDaysIndicator):
    key = "training_days_12"
    position = 1
    threshold_setting = "training_days_min"
    target = 1.00
    label = gettext_lazy("Officers with at least 12 days of training a year")
    short_label = gettext_lazy("Training ≥ 12 days")
    seed = "关员参加教育培训每年不少于12天的比例达100%"

    def _records(self, year: int) -> models.QuerySet:
        return TrainingRecord.objects.filter(start_date__range=(year_start(year), year_end(year)))

    def _denominator(self, year: int) -> models.QuerySet:
        return Officer.objects.filter(employed_all_year(year))

    def columns(self):
        return officer_columns() + [Column("figure", _("training days in the year"), display=days)]

    def gap_list(self, year):
        return GapList(
            _("Officers short of %(days)s days of training in %(year)s")
            % {"days": threshold(self.threshold_setting), "year": year},
            _gap_columns(),
            order_by=("unit__code", "staff_no"),
            select_related=("unit",),
        )


@register
class LeaderFullTimeTraining(TrainingDaysIndicator):
    key = "leader_fulltime_training_5y"
    position = 2
    threshold_setting = "leader_fulltime_days_min"
    target = 1.00
    label = gettext_lazy("Division- and bureau-level leaders with 3 months of full-time training in 5 years")
    short_label = gettext_lazy("Leaders' full-time training")
    seed = "处级以上领导干部参加脱产教育培训5年内累计不少于3个月"

    def first_year(self, year: int) -> int:
        return year - threshold("leader_fulltime_window_years") + 1

    def _records(self, year: int) -> models.QuerySet:
        return TrainingRecord.objects.filter(
            mode=TrainingRecord.Mode.FULL_TIME, start_date__range=(year_start(self.first_year(year)), year_end(year))
        )

    def _denominator(self, year: int) -> models.QuerySet:
        return Officer.objects.filter(
            on_roll_at_year_end(year),
            is_leader=True,
            rank_level__in=[Officer.RankLevel.DIVISION, Officer.RankLevel.BUREAU],
        )

    def columns(self):
        return officer_columns() + [
            Column("rank_level", _("rank level"), display=_rank_label, export=_rank_label),
            Column(
                "figure",
                _("full-time training days in %(years)s years") % {"years": threshold("leader_fulltime_window_years")},
                display=days,
            ),
        ]

    def gap_list(self, year):
        return GapList(
            _("Leaders short of %(days)s days of full-time training in %(first)s–%(year)s")
            % {"days": threshold(self.threshold_setting), "year": year, "first": self.first_year(year)},
            _gap_columns(),
            order_by=("unit__code", "staff_no"),
            select_related=("unit",),
        )
