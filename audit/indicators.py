"""The audit and internal-control indicators (shared/spec/indicators.md).
Readings where the specification is silent are in docs/audit.md.

(django.db.models names are spelled ``models.X`` here, as in the other
indicator modules, because integrity has a model called ``Case``.)
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.indicators import (
    Column,
    GapColumn,
    GapList,
    Indicator,
    UnitIndicator,
    as_bool,
    record_unit_columns,
    register,
    threshold,
    unit_columns,
    year_end,
    year_start,
    yes_no,
)

from .models import READ_AUDIT, READ_LEDGER, Audit, InternalControl, RectificationItem


def audit_window(year: int) -> tuple[dt.date, dt.date]:
    """Years Y-(n-1) … Y, n = the audit window (five years by default)."""
    return year_start(year - threshold("audit_window_years") + 1), year_end(year)


def covering_audits(year: int, unit_ref) -> models.QuerySet:
    """Audits that cover a unit for year Y: economic-responsibility or
    management audits *on that unit* completed within the window."""
    return Audit.objects.filter(unit=unit_ref, kind__in=Audit.COVERING_KINDS, completed_date__range=audit_window(year))


@register
class AuditCoverage(UnitIndicator):
    key = "audit_coverage"
    position = 11
    target = 1.00
    label = gettext_lazy("Coverage of economic-responsibility and management audits")
    short_label = gettext_lazy("Audit coverage")
    seed = "经济责任(管理)审计覆盖率达到100%"
    drill_down_roles = READ_AUDIT

    def _checks(self, year, unit_ref):
        return {"covered_by_audit": Exists(covering_audits(year, OuterRef(unit_ref)))}

    def members(self, *, year, root):
        """Each customs with ``figure`` 1/0 and ``last_audit``: the latest
        covering completion in the window (None when uncovered)."""
        last = (
            covering_audits(year, OuterRef("pk")).order_by().values("unit").annotate(last=models.Max("completed_date"))
        )
        return super().members(year=year, root=root).annotate(last_audit=Subquery(last.values("last")))

    def columns(self):
        return unit_columns() + [
            Column("last_audit", _("last covering audit completed")),
            Column("figure", _("covered"), display=yes_no, export=yes_no),
        ]

    def gap_list(self, year):
        first, _last = audit_window(year)
        return GapList(
            _("Customs without an economic-responsibility or management audit in %(first)s–%(year)s")
            % {"first": first.year, "year": year},
            [
                GapColumn(_("Code"), 0.2, lambda u: u.code),
                GapColumn(_("Unit"), 0.5, lambda u: u.name),
                GapColumn(_("Kind"), 0.3, lambda u: u.get_kind_display()),
            ],
            order_by=("code",),
        )


@register
class InternalControlRate(UnitIndicator):
    key = "internal_control_rate"
    position = 12
    target = 0.90
    label = gettext_lazy("Customs with a long-term internal-control mechanism")
    short_label = gettext_lazy("Internal control rate")
    seed = "在直属海关、隶属海关中建立督察内审长效内控机制的比率达到90%"
    drill_down_roles = READ_AUDIT

    def _checks(self, year, unit_ref):
        return {
            "has_internal_control": Exists(
                InternalControl.objects.filter(unit=OuterRef(unit_ref), established_date__lte=year_end(year))
            )
        }

    def members(self, *, year, root):
        established = InternalControl.objects.filter(unit=OuterRef("pk")).values("established_date")
        return super().members(year=year, root=root).annotate(established_date=Subquery(established))

    def columns(self):
        return unit_columns() + [
            Column("established_date", _("mechanism established")),
            Column("figure", _("established by the year's end"), display=yes_no, export=yes_no),
        ]


@register
class RectificationCompletionRate(Indicator):
    """Items of the rectification ledger due in Y (deadline in Y) whose
    responsible unit is in scope, closed out (已销号) on or before their
    deadline / all of them (docs/indicators.md)."""

    key = "rectification_completion_rate"
    position = 14
    label = gettext_lazy("Rectification items closed out by their deadline")
    short_label = gettext_lazy("Rectification completion rate")
    seed = "整改事项按期整改销号率达到100%"
    subject = "record"
    drill_down_roles = READ_LEDGER

    @property
    def target(self) -> float:
        return settings.RECTIFICATION["completion_target"]

    def _due(self, year):
        return RectificationItem.objects.filter(deadline__range=(year_start(year), year_end(year)))

    def _on_time(self) -> Q:
        return Q(status=RectificationItem.Status.CLOSED, closed_date__lte=F("deadline"))

    def counts(self, *, year, roots):
        rows = (
            self._due(year)
            .filter(unit__scope_roots__root__in=roots)
            .values("unit__scope_roots__root")
            .annotate(num=Count("pk", filter=self._on_time()), den=Count("pk"))
            .order_by()
        )
        return {row["unit__scope_roots__root"]: (row["num"], row["den"]) for row in rows}

    def members(self, *, year, root):
        on_time = self._on_time()
        return (
            self._due(year)
            .in_unit_scope(root)
            .select_related("unit", "officer")
            .annotate(figure=models.Case(models.When(on_time, then=1), default=0, output_field=models.IntegerField()))
            .annotate(meets=as_bool(on_time))
        )

    def columns(self):
        return record_unit_columns() + [
            Column("description", _("problem"), searchable=True),
            Column("officer__name", _("responsible person"), searchable=True),
            Column("deadline", _("rectification deadline")),
            Column("closed_date", _("closed-out date")),
            Column("figure", _("closed out by the deadline"), display=yes_no, export=yes_no),
        ]

    def gap_list(self, year):
        return GapList(
            _("Rectification items due in %(year)s not closed out by their deadline") % {"year": year},
            [
                GapColumn(_("Unit"), 0.25, lambda i: i.unit.name),
                GapColumn(_("Problem"), 0.45, lambda i: i.description[:60]),
                GapColumn(_("Deadline"), 0.15, lambda i: i.deadline.isoformat()),
                GapColumn(_("Closed out"), 0.15, lambda i: i.closed_date.isoformat() if i.closed_date else "—"),
            ],
            order_by=("deadline", "pk"),
            select_related=("unit",),
        )
