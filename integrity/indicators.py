"""The four supervision indicators and information coverage
(shared/spec/indicators.md).

Each ``counts`` is one grouped query per number through the ``UnitScope``
closure table, as the engine (core/indicators.py) requires.

Readings where the specification is silent:

- ``case_involvement_rate`` counts in its numerator every officer whose
  current unit is in scope and who is named in a case opened in Y, as the
  specification words it, even one not employed in Y (a retired officer
  named in a case still counts); its drill-down lists the officers employed
  in Y together with any such named officer, so every counted person is on
  it. The drill-down names people in cases: ``sensitive = True`` tells the
  dashboard to show it to supervision only (leadership sees the counts).
  Shown to a user, it is counted without the cases naming that user
  (``for_reader``, docs/security.md); the ``indicators`` command counts all.
  Category and status belong to each officer named (``CaseOfficer``), and
  the specification counts officers *named* in cases opened in Y with no
  condition on either: every category counts (discipline, violation of law
  and crime are all 违纪违法) and every status (an officer whose part is
  still under investigation, or concluded, is named all the same). Each
  officer counts once, however many cases or outcomes they have in Y.
- Integrity appraisals are counted per row, team rows and member rows alike.
- ``information_coverage`` lives here because it counts supervision records
  (inspections) together with training records, political work and leader
  appraisals, which this app already reads (integrity → training →
  personnel); in personnel or training it would import upwards.
"""

from __future__ import annotations

import copy
import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.indicators import (
    Column,
    Indicator,
    UnitIndicator,
    count,
    either,
    officer_columns,
    record_unit_columns,
    register,
    share,
    unit_columns,
    year_end,
    year_start,
    yes_no,
)
from org.models import Unit
from org.roles import ALL_ROLES, Role
from personnel.models import LeaderAppraisal, Officer
from training.models import OfficerYearTraining, PoliticalWork

from .models import (
    READ_RISK_POINTS,
    READ_SUPERVISION_RECORDS,
    CaseOfficer,
    Inspection,
    IntegrityAppraisal,
    RiskPoint,
    Survey,
)
from .selectors import review_window, reviewed_within


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _as_bool(condition) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=models.BooleanField())


def _result(yes, no) -> dict:
    return {"display": either(yes, no), "export": either(yes, no)}


def _flag(condition) -> models.Case:
    return models.Case(models.When(condition, then=Value(1)), default=Value(0), output_field=models.IntegerField())


ROOT = "unit__scope_roots__root"


def _by_root(qs, roots, **aggregates) -> dict[int, dict]:
    rows = qs.filter(**{f"{ROOT}__in": roots}).order_by().values(ROOT).annotate(**aggregates)
    return {row[ROOT]: row for row in rows}


@register
class IntegrityAppraisalPassRate(Indicator):
    key = "integrity_appraisal_pass_rate"
    position = 6
    target = 0.98
    label = gettext_lazy("Integrity-responsibility appraisals of directly-affiliated customs passed")
    short_label = gettext_lazy("Integrity appraisal pass rate")
    seed = "直属海关领导班子及其成员党风廉政建设责任制考核合格率达到98%"
    subject = "record"
    drill_down_roles = READ_SUPERVISION_RECORDS

    def _records(self, year):
        return IntegrityAppraisal.objects.filter(year=year, unit__kind=Unit.Kind.DIRECT)

    def counts(self, *, year, roots):
        rows = _by_root(
            self._records(year),
            roots,
            num=Count("pk", filter=Q(result=IntegrityAppraisal.Result.PASS)),
            den=Count("pk"),
        )
        return {root: (row["num"], row["den"]) for root, row in rows.items()}

    def members(self, *, year, root):
        passed = Q(result=IntegrityAppraisal.Result.PASS)
        return (
            self._records(year)
            .in_unit_scope(root)
            .select_related("unit", "officer")
            .annotate(figure=_flag(passed), meets=_as_bool(passed))
        )

    def columns(self):
        team_name = _("leadership team")
        return record_unit_columns() + [
            Column("officer__staff_no", _("staff number"), searchable=True),
            Column(
                "officer__name",
                _("appraised"),
                searchable=True,
                display=lambda v: team_name if v is None else v,
                export=lambda v: str(team_name) if v is None else v,
            ),
            Column("figure", _("result"), **_result(_("pass"), _("fail"))),
        ]


@register
class CaseInvolvementRate(Indicator):
    key = "case_involvement_rate"
    position = 7
    target = 0.004
    label = gettext_lazy("Officers involved in discipline cases")
    short_label = gettext_lazy("Case involvement rate")
    seed = "海关工作人员违纪违法案件涉案率每年控制在0.4%以内"
    comparison = "<="
    sensitive = True
    # It names people in cases: supervision only, since leadership sees
    # those as counts (shared/spec/access.md).
    drill_down_roles = frozenset({Role.SUPERVISION})
    reader = None  # set by for_reader: whose own cases are left out

    def for_reader(self, reader):
        if reader is None:
            return self
        bound = copy.copy(self)
        bound.reader = reader
        return bound

    def counts_for_everyone(self):
        # Leaving out the cases naming the reader changes nothing for a
        # reader named in none: asked once per bound definition.
        if self.reader is None:
            return True
        if not hasattr(self, "_named_nowhere"):
            self._named_nowhere = not CaseOfficer.objects.filter(officer__user=self.reader.pk).exists()
        return self._named_nowhere

    def _links(self, year):
        links = CaseOfficer.objects.filter(case__opened_date__range=_year(year))
        if self.reader is not None:
            # Conflict of interest: a case naming the reader is hidden from
            # them, so it is not counted for them either -- a count that
            # included it would tell them it exists.
            links = links.exclude(case__in=CaseOfficer.objects.filter(officer__user=self.reader.pk).values("case"))
        return links

    def _named(self, year):
        return self._links(year).values("officer")

    def _employed(self, year) -> Q:
        start, end = _year(year)
        return Q(hire_date__lte=end) & (Q(leave_date__isnull=True) | Q(leave_date__gte=start))

    def counts(self, *, year, roots):
        named = _by_root(Officer.objects.filter(pk__in=self._named(year)), roots, n=Count("pk"))
        employed = _by_root(Officer.objects.filter(self._employed(year)), roots, n=Count("pk"))
        return {
            root: (named.get(root, {}).get("n", 0), employed.get(root, {}).get("n", 0))
            for root in set(named) | set(employed)
        }

    def members(self, *, year, root):
        cases = (
            self._links(year)
            .filter(officer=OuterRef("pk"))
            .order_by()
            .values("officer")
            .annotate(n=Count("case", distinct=True))
            .values("n")
        )
        return (
            Officer.objects.filter(self._employed(year) | Q(pk__in=self._named(year)))
            .in_unit_scope(root)
            .annotate(figure=Coalesce(Subquery(cases, output_field=models.IntegerField()), 0))
            .annotate(meets=_as_bool(Q(figure=0)))
        )

    def columns(self):
        return officer_columns() + [Column("figure", _("cases opened in the year"), display=count)]


@register
class SatisfactionRate(Indicator):
    key = "satisfaction_rate"
    position = 8
    target = 0.90
    label = gettext_lazy("Satisfaction of administrative counterparts")
    short_label = gettext_lazy("Satisfaction rate")
    seed = "行政相对人满意度达到90%"
    subject = "record"
    drill_down_roles = READ_SUPERVISION_RECORDS

    def counts(self, *, year, roots):
        rows = _by_root(Survey.objects.filter(year=year), roots, num=Sum("satisfied"), den=Sum("respondents"))
        return {root: (row["num"] or 0, row["den"] or 0) for root, row in rows.items()}

    def members(self, *, year, root):
        # Compared in integers: satisfied / respondents >= p / q.
        target = Fraction(str(self.target))
        return (
            Survey.objects.filter(year=year)
            .in_unit_scope(root)
            .select_related("unit")
            .annotate(
                figure=ExpressionWrapper(
                    Cast("satisfied", models.FloatField()) / NullIf(Cast("respondents", models.FloatField()), 0.0),
                    output_field=models.FloatField(),
                )
            )
            .annotate(
                satisfied_scaled=F("satisfied") * target.denominator,
                needed_scaled=F("respondents") * target.numerator,
            )
            .annotate(meets=_as_bool(Q(respondents__gt=0, satisfied_scaled__gte=F("needed_scaled"))))
        )

    def columns(self):
        return record_unit_columns() + [
            Column("respondents", _("respondents")),
            Column("satisfied", _("satisfied")),
            Column("figure", _("satisfaction"), display=share),
        ]


@register
class InspectionPassRate(Indicator):
    key = "inspection_pass_rate"
    position = 9
    target = 0.99
    label = gettext_lazy("Internal-affairs inspections passed")
    short_label = gettext_lazy("Inspection pass rate")
    seed = "海关内务规范检查合格率达到99%"
    subject = "record"
    drill_down_roles = READ_SUPERVISION_RECORDS

    def counts(self, *, year, roots):
        rows = _by_root(
            Inspection.objects.filter(date__range=_year(year)),
            roots,
            num=Count("pk", filter=Q(passed=True)),
            den=Count("pk"),
        )
        return {root: (row["num"], row["den"]) for root, row in rows.items()}

    def members(self, *, year, root):
        return (
            Inspection.objects.filter(date__range=_year(year))
            .in_unit_scope(root)
            .select_related("unit")
            .annotate(figure=_flag(Q(passed=True)), meets=F("passed"))
        )

    def columns(self):
        return record_unit_columns() + [
            Column("date", _("date")),
            Column("figure", _("result"), **_result(_("passed"), _("not passed"))),
        ]


@register
class InformationCoverage(UnitIndicator):
    key = "information_coverage"
    position = 10
    target = 1.00
    label = gettext_lazy("Information coverage of the team-building information system")
    short_label = gettext_lazy("Information coverage")
    seed = "队伍建设信息系统……信息覆盖率达到100%"
    # Which customs have records of each area: units, no people.
    drill_down_roles = ALL_ROLES

    def _checks(self, year, unit_ref):
        start, end = year_start(year), year_end(year)
        in_subtree = {"officer__unit__scope_roots__root": OuterRef(unit_ref)}
        return {
            "covers_political_work": Exists(
                PoliticalWork.objects.filter(unit=OuterRef(unit_ref), date__range=(start, end))
            ),
            # A total of the year exists exactly while an officer has records
            # starting in it (training/totals.py): one index entry per
            # officer instead of a range of their records.
            "covers_training": Exists(OfficerYearTraining.objects.filter(year=year, **in_subtree)),
            "covers_leader_appraisal": Exists(LeaderAppraisal.objects.filter(year=year, **in_subtree)),
            "covers_supervision": Exists(Inspection.objects.filter(unit=OuterRef(unit_ref), date__range=(start, end))),
        }

    def columns(self):
        # The areas share their words with roles and record kinds
        # ("supervision"), which translate differently there: hence the
        # context.
        return unit_columns() + [
            Column("covers_political_work", pgettext("information coverage area", "political work"), display=yes_no),
            Column("covers_training", pgettext("information coverage area", "training"), display=yes_no),
            Column(
                "covers_leader_appraisal", pgettext("information coverage area", "leader appraisal"), display=yes_no
            ),
            Column("covers_supervision", pgettext("information coverage area", "supervision"), display=yes_no),
            Column("figure", _("areas covered"), display=lambda v: _("%(n)s of 4") % {"n": count(v)}),
        ]


@register
class RiskPointReviewRate(Indicator):
    """Risk points on the register of units in scope reviewed within the
    ``review_months`` months up to the end of Y (the calendar year Y with the
    default 12) / all those points. Not one of indicators.md's twelve, so it
    follows them (docs/indicators.md)."""

    key = "risk_point_review_rate"
    position = 13
    label = gettext_lazy("Integrity risk points reviewed within the last 12 months")
    short_label = gettext_lazy("Risk-point review rate")
    seed = "廉政风险点每年至少复核一次"
    subject = "record"
    drill_down_roles = READ_RISK_POINTS

    @property
    def target(self) -> float:
        return settings.RISK_POINT_REGISTER["review_rate_target"]

    def _reviewed(self, year) -> Q:
        return reviewed_within(*review_window(year_end(year)))

    def counts(self, *, year, roots):
        rows = _by_root(
            RiskPoint.objects.alias(reviewed=_as_bool(self._reviewed(year))),
            roots,
            num=Count("pk", filter=Q(reviewed=True)),
            den=Count("pk"),
        )
        return {root: (row["num"], row["den"]) for root, row in rows.items()}

    def members(self, *, year, root):
        reviewed = self._reviewed(year)
        return (
            RiskPoint.objects.in_unit_scope(root)
            .select_related("unit")
            .annotate(figure=_flag(reviewed), meets=_as_bool(reviewed))
        )

    def columns(self):
        return record_unit_columns() + [
            Column("post", _("post"), searchable=True),
            Column("name", _("risk point"), searchable=True),
            Column("level", _("risk level"), display=lambda v: str(RiskPoint.Level(v).label)),
            Column("last_reviewed", _("last reviewed")),
            Column("figure", _("reviewed"), **_result(_("reviewed"), _("not reviewed"))),
        ]
