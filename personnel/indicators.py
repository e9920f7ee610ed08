"""The reserve-cadre and leadership-team indicators (shared/spec/indicators.md),
counted from officers, postings and reserve-pool entries. Readings where the
specification is silent are in docs/indicators.md.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.indicators import (
    Column,
    GapColumn,
    GapList,
    Indicator,
    as_bool,
    born_for_age_at_year_end,
    count,
    officer_columns,
    officer_counts,
    on_roll_at_year_end,
    percent,
    register,
    share,
    threshold,
    unit_columns,
    year_end,
)
from org.models import Unit, UnitScope
from org.roles import ALL_ROLES, Role

from .models import Officer, Posting, ReserveCadre

# Postings and the reserve pool are HR data; leadership has every drill-down
# (shared/spec/access.md).
HR_DATA = frozenset({Role.HR, Role.LEADERSHIP})


class ReserveIndicator(Indicator):
    """Bureau-level reserve cadres in the pool on Y-end, each judged by the
    postings of a kind that started on or before Y-end."""

    posting_flag: str
    threshold_name: str
    drill_down_roles = HR_DATA

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
        reaching = self._postings(year).filter(n__gte=threshold(self.threshold_name))
        return officer_counts(self._denominator(year), Exists(reaching), roots)

    def members(self, *, year, root):
        return (
            self._denominator(year)
            .in_unit_scope(root)
            .annotate(figure=Coalesce(Subquery(self._postings(year).values("n")), 0))
            .annotate(meets=as_bool(Q(figure__gte=threshold(self.threshold_name))))
        )


@register
class ReserveTwoLeadershipPosts(ReserveIndicator):
    key = "reserve_two_leadership_posts"
    position = 3
    target = 1.00
    label = gettext_lazy("Bureau-level reserve cadres with two or more leadership posts")
    short_label = gettext_lazy("Reserve: 2 leadership posts")
    seed = "厅局级后备干部有两个以上领导岗位工作经历的达到100%"
    posting_flag = "leadership"
    threshold_name = "reserve_leadership_posts_min"

    def columns(self):
        return officer_columns() + [Column("figure", _("leadership posts held"), display=count)]


@register
class ReserveGrassroots(ReserveIndicator):
    key = "reserve_grassroots"
    position = 4
    target = 0.95
    label = gettext_lazy("Bureau-level reserve cadres with grassroots experience")
    short_label = gettext_lazy("Reserve: grassroots")
    seed = "有基层工作经历的达到95%以上"
    posting_flag = "grassroots"
    threshold_name = "reserve_grassroots_posts_min"

    def columns(self):
        return officer_columns() + [Column("figure", _("grassroots postings held"), display=count)]


# The units whose leadership teams are counted.
TEAM_KINDS = [Unit.Kind.DIRECT, Unit.Kind.COLLEGE]


def age_band() -> dict:
    return {"low": threshold("team_age_low"), "high": threshold("team_age_high")}


@register
class LeadershipTeamAge(Indicator):
    key = "leadership_team_age"
    position = 5
    target = 1.00
    label = gettext_lazy("Leadership teams of customs and colleges mainly aged about 50")
    short_label = gettext_lazy("Team age structure")
    seed = "直属海关、院校领导班子保持以50岁左右的干部为主体"
    subject = "team"
    # Team sizes and ages are officer profile data, which every role reads.
    drill_down_roles = ALL_ROLES

    def _team_sizes(self, year: int, unit_ref: str) -> tuple[Coalesce, Coalesce]:
        """(members, members aged within the band) of the team of the unit
        ``unit_ref`` points to, as correlated subqueries."""
        band = age_band()
        born_from, born_to = born_for_age_at_year_end(year, band["low"], band["high"])
        team = Officer.objects.filter(on_roll_at_year_end(year), unit=OuterRef(unit_ref), is_leader=True)

        def size(qs):
            return Coalesce(Subquery(qs.order_by().values("unit").annotate(n=Count("pk")).values("n")), 0)

        return size(team), size(team.filter(birth_date__range=(born_from, born_to)))

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
                meets=as_bool(Q(team_size__lt=F("aged_in_band") * 2)),
            )
        )

    def columns(self):
        band = age_band()
        return unit_columns() + [
            Column("team_size", _("team members")),
            Column("aged_in_band", _("members aged %(low)s–%(high)s") % band),
            Column("figure", _("share aged %(low)s–%(high)s") % band, display=share),
        ]

    def gap_list(self, year):
        band = age_band()
        return GapList(
            _("Leadership teams not mainly aged %(low)s–%(high)s") % band,
            [
                GapColumn(_("Code"), 0.14, lambda u: u.code),
                GapColumn(_("Unit"), 0.38, lambda u: u.name),
                GapColumn(_("Team members"), 0.16, lambda u: str(u.team_size)),
                GapColumn(_("Aged %(low)s–%(high)s") % band, 0.16, lambda u: str(u.aged_in_band)),
                GapColumn(_("Share"), 0.16, lambda u: percent(u.figure)),
            ],
            order_by=("code",),
        )
