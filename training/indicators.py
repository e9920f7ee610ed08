"""The two training indicators (shared/spec/indicators.md), counted from
the officer-year totals of the training records (training/totals.py).
Readings where the specification is silent are in docs/indicators.md.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.db import models
from django.db.models import F, FilteredRelation, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThanOrEqual
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
)
from org.roles import Role
from personnel.models import Officer

from .models import OfficerYearTraining

# Training records are HR data; leadership has every drill-down (access.md).
HR_DATA = frozenset({Role.HR, Role.LEADERSHIP})


def _tenths_at_least(days) -> int:
    """The fewest whole tenths of a day that make at least ``days`` days
    (the totals count tenths; 12 days -> 120)."""
    return math.ceil(Decimal(str(days)) * 10)


def _in_days(tenths) -> Cast:
    """Whole tenths of a day back in days, as the records' decimal."""
    field = models.DecimalField(max_digits=9, decimal_places=1)
    return Cast(Func(tenths, template="(%(expressions)s) / 10.0", output_field=field), field)


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
    """Officers whose training days in a window of years reach a threshold.

    Counted from the officer-year totals (``OfficerYearTraining``, kept by
    triggers on every write of a record: training/totals.py), which add up
    exactly the records a record-based definition would: those whose
    ``start_date`` falls in the window's years, all of them
    (``total_field = "tenths"``) or the full-time ones
    (``"fulltime_tenths"``), in whole tenths of a day. An officer's window
    is one to five rows of the totals instead of a range of their records
    among ten million.

    Subclasses say who is counted (``_denominator``), which total counts
    and which setting holds the threshold.
    """

    threshold_setting: str
    total_field: str
    drill_down_roles = HR_DATA

    def first_year(self, year: int) -> int:
        """The first year of the window the days are summed over."""
        return year

    def minimum(self):
        return threshold(self.threshold_setting)

    def _with_tenths(self, officers: models.QuerySet, year: int):
        """(``officers`` ready to read their totals, the expression of each
        officer's days in the window in tenths: NULL when none).

        One year: the officer's one row of that year, LEFT JOINed
        (``FilteredRelation``), so that a national count or drill-down
        hashes the year's rows once (an index-only scan of
        ``training_totals_year_idx``) rather than probing once per officer.
        Several years: a correlated sum of the officer's rows of the window
        (the leaders counted over five years are few).
        """
        first = self.first_year(year)
        if first == year:
            officers = officers.alias(
                year_totals=FilteredRelation("training_totals", condition=Q(training_totals__year=year))
            )
            return officers, F(f"year_totals__{self.total_field}")
        total = (
            OfficerYearTraining.objects.filter(officer=OuterRef("pk"), year__range=(first, year))
            .order_by()
            .values("officer")
            .annotate(total=Sum(self.total_field))
            .values("total")
        )
        return officers, Subquery(total, output_field=models.BigIntegerField())

    def with_days(self, officers: models.QuerySet, year: int) -> models.QuerySet:
        """``officers`` annotated with ``figure`` (their days in the window,
        a decimal like the records' ``days``) and ``meets``."""
        officers, tenths = self._with_tenths(officers, year)
        tenths = Coalesce(tenths, Value(0), output_field=models.BigIntegerField())
        meets = GreaterThanOrEqual(tenths, _tenths_at_least(self.minimum()))
        return officers.annotate(figure=_in_days(tenths), meets=as_bool(meets))

    def counts(self, *, year, roots):
        officers, tenths = self._with_tenths(self._denominator(year), year)
        return officer_counts(officers, GreaterThanOrEqual(tenths, _tenths_at_least(self.minimum())), roots)

    def officer_status(self, officer: Officer, year: int) -> dict:
        """One officer's row for ``year``, counted by this definition:
        ``counted`` (whether the officer is in the denominator), ``figure``
        (the days that count, also when not counted) and ``meets``."""
        row = self.members(year=year, root=officer.unit).filter(pk=officer.pk).values("figure", "meets").first()
        if row is not None:
            return {"counted": True, "figure": row["figure"], "meets": bool(row["meets"])}
        figure = self.with_days(Officer.objects.filter(pk=officer.pk), year).values_list("figure", flat=True).get()
        return {"counted": False, "figure": figure, "meets": False}

    def members(self, *, year, root):
        return self.with_days(self._denominator(year).in_unit_scope(root), year)


@register
class TrainingDays(TrainingDaysIndicator):
    key = "training_days_12"
    position = 1
    threshold_setting = "training_days_min"
    target = 1.00
    label = gettext_lazy("Officers with at least 12 days of training a year")
    short_label = gettext_lazy("Training ≥ 12 days")
    seed = "关员参加教育培训每年不少于12天的比例达100%"
    total_field = "tenths"

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

    # Full-time records (TrainingRecord.Mode.FULL_TIME) only.
    total_field = "fulltime_tenths"

    def first_year(self, year: int) -> int:
        return year - threshold("leader_fulltime_window_years") + 1

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
