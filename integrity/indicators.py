"""The four supervision indicators (shared/spec/indicators.md).

Registered with the engine by the import at the end of
``indicators/definitions.py``. Each ``counts`` is one grouped query per
number through the ``UnitScope`` closure table, as the engine requires.

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
- Integrity appraisals are counted per row, team rows and member rows alike.
"""
from __future__ import annotations

import copy
import datetime as dt
from fractions import Fraction

from django.db import models
from django.db.models import Count, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from indicators.engine import Indicator, register
from personnel.models import Officer, Unit

from .models import CaseOfficer, Inspection, IntegrityAppraisal, Survey


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _as_bool(condition) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=models.BooleanField())


def _flag(condition) -> models.Case:
    return models.Case(models.When(condition, then=Value(1)), default=Value(0), output_field=models.IntegerField())


ROOT = "unit__scope_roots__root"


def _by_root(qs, roots, **aggregates) -> dict[int, dict]:
    rows = qs.filter(**{f"{ROOT}__in": roots}).order_by().values(ROOT).annotate(**aggregates)
    return {row[ROOT]: row for row in rows}


@register
class IntegrityAppraisalPassRate(Indicator):
    key = "integrity_appraisal_pass_rate"
    label = _("Integrity-responsibility appraisals of directly-affiliated customs passed")
    seed = "直属海关领导班子及其成员党风廉政建设责任制考核合格率达到98%"
    subject = "record"

    def _records(self, year):
        return IntegrityAppraisal.objects.filter(year=year, unit__kind=Unit.Kind.DIRECT)

    def counts(self, *, year, roots):
        rows = _by_root(
            self._records(year), roots,
            num=Count("pk", filter=Q(result=IntegrityAppraisal.Result.PASS)), den=Count("pk"),
        )
        return {root: (row["num"], row["den"]) for root, row in rows.items()}

    def members(self, *, year, root):
        passed = Q(result=IntegrityAppraisal.Result.PASS)
        return (
            self._records(year).in_unit_scope(root).select_related("unit", "officer")
            .annotate(figure=_flag(passed), meets=_as_bool(passed))
        )


@register
class CaseInvolvementRate(Indicator):
    key = "case_involvement_rate"
    label = _("Officers involved in discipline cases")
    seed = "海关工作人员违纪违法案件涉案率每年控制在0.4%以内"
    comparison = "<="
    sensitive = True
    reader = None  # set by for_reader: whose own cases are left out

    def for_reader(self, reader):
        if reader is None:
            return self
        bound = copy.copy(self)
        bound.reader = reader
        return bound

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
            self._links(year).filter(officer=OuterRef("pk"))
            .order_by().values("officer").annotate(n=Count("case", distinct=True)).values("n")
        )
        return (
            Officer.objects.filter(self._employed(year) | Q(pk__in=self._named(year)))
            .in_unit_scope(root)
            .annotate(figure=Coalesce(Subquery(cases, output_field=models.IntegerField()), 0))
            .annotate(meets=_as_bool(Q(figure=0)))
        )


@register
class SatisfactionRate(Indicator):
    key = "satisfaction_rate"
    label = _("Satisfaction of administrative counterparts")
    seed = "行政相对人满意度达到90%"
    subject = "record"

    def counts(self, *, year, roots):
        rows = _by_root(Survey.objects.filter(year=year), roots, num=Sum("satisfied"), den=Sum("respondents"))
        return {root: (row["num"] or 0, row["den"] or 0) for root, row in rows.items()}

    def members(self, *, year, root):
        # Compared in integers: satisfied / respondents >= p / q.
        target = Fraction(str(self.target))
        return (
            Survey.objects.filter(year=year).in_unit_scope(root).select_related("unit")
            .annotate(figure=ExpressionWrapper(
                Cast("satisfied", models.FloatField()) / NullIf(Cast("respondents", models.FloatField()), 0.0),
                output_field=models.FloatField(),
            ))
            .annotate(
                satisfied_scaled=F("satisfied") * target.denominator,
                needed_scaled=F("respondents") * target.numerator,
            )
            .annotate(meets=_as_bool(Q(respondents__gt=0, satisfied_scaled__gte=F("needed_scaled"))))
        )


@register
class InspectionPassRate(Indicator):
    key = "inspection_pass_rate"
    label = _("Internal-affairs inspections passed")
    seed = "海关内务规范检查合格率达到99%"
    subject = "record"

    def counts(self, *, year, roots):
        rows = _by_root(
            Inspection.objects.filter(date__range=_year(year)), roots,
            num=Count("pk", filter=Q(passed=True)), den=Count("pk"),
        )
        return {root: (row["num"], row["den"]) for root, row in rows.items()}

    def members(self, *, year, root):
        return (
            Inspection.objects.filter(date__range=_year(year)).in_unit_scope(root).select_related("unit")
            .annotate(figure=_flag(Q(passed=True)), meets=F("passed"))
        )
