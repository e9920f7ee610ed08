"""Audits (督审), their findings and rectification, and internal controls.

Scoped like every record kind: by the unit the record is about. The audit
department reads and writes them within its grants; leadership reads them.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from personnel.models import Officer, Unit
from personnel.roles import Role
from personnel.scoping import Scope, ScopedQuerySet

READ_AUDIT = frozenset({Role.AUDIT, Role.LEADERSHIP})
WRITE_AUDIT = frozenset({Role.AUDIT})


class Audit(models.Model):
    class Kind(models.TextChoices):
        ECONOMIC_RESPONSIBILITY = "economic_responsibility", _("economic-responsibility audit")
        MANAGEMENT = "management", _("management audit")
        SPECIAL = "special", _("special audit")

    # The kinds that count towards audit coverage (shared/spec/indicators.md):
    # a special audit looks at one matter, not at the unit's management.
    COVERING_KINDS = (Kind.ECONOMIC_RESPONSIBILITY, Kind.MANAGEMENT)

    audit_no = models.CharField(_("audit number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="audits")
    officer = models.ForeignKey(
        Officer, verbose_name=_("audited leader"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="audits",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    completed_date = models.DateField(
        _("completed date"), null=True, blank=True, help_text=_("Empty while the audit is under way.")
    )
    # The number of findings the audit report states; the findings themselves,
    # with their rectification, are Finding rows and may be entered later.
    finding_count = models.PositiveIntegerField(_("findings"), default=0)
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_AUDIT, write=WRITE_AUDIT)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-period_end", "audit_no"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="audit_period_ordered"),
        ]
        indexes = [
            # Coverage looks for covering audits of a unit completed in a window.
            models.Index(fields=["unit", "kind", "completed_date"], name="audit_coverage_idx"),
            models.Index(fields=["officer", "kind"], name="audit_officer_idx"),
        ]

    def __str__(self):
        return f"{self.audit_no} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The end of the audited period cannot be before its start.")
        if self.completed_date and self.period_start and self.completed_date < self.period_start:
            errors["completed_date"] = _("An audit cannot be completed before the audited period starts.")
        if errors:
            raise ValidationError(errors)


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("not yet rectified")
        RECTIFYING = "rectifying", _("being rectified")
        RECTIFIED = "rectified", _("rectified")

    audit = models.ForeignKey(Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="findings")
    description = models.CharField(_("description"), max_length=500)
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(_("rectification status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    scope = Scope(unit="audit__unit", read=READ_AUDIT, write=WRITE_AUDIT)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "description"], name="finding_unique"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="finding_overdue_idx")]

    def __str__(self):
        return f"{self.audit_id} {self.description[:40]}"


class InternalControl(models.Model):
    """A unit's internal-control mechanism (督察内审长效内控机制): one per unit."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="internal_control"
    )
    established_date = models.DateField(_("established date"))
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_AUDIT, write=WRITE_AUDIT)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal-control mechanism")
        verbose_name_plural = _("internal-control mechanisms")
        ordering = ["unit__code"]

    def __str__(self):
        return f"{self.unit_id} {self.established_date}"
