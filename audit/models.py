"""Audits (督审), their findings and rectification, and internal controls.

Scoped like every record kind: by the unit the record is about. The audit
department reads and writes them within its grants; leadership reads them.

The rectification ledger (整改台账) lives here too: its items point at audit
findings, at failed internal-affairs inspections and at alerts closed with
"action taken", so audit imports integrity (never the other way round;
docs/audit.md, "Where the ledger lives").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.evidence import EvidenceFile
from integrity.models import Inspection, RiskAlert
from org.history import HistoricalRecords
from org.models import Unit
from org.roles import Role
from org.scoping import Scope, ScopedQuerySet
from personnel.models import Officer

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
        Officer,
        verbose_name=_("audited leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audits",
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
        return f"{self.audit.audit_no} {self.description[:40]}"


class InternalControl(models.Model):
    """A unit's internal-control mechanism (督察内审长效内控机制): one per unit."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="internal_control")
    established_date = models.DateField(_("established date"))
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_AUDIT, write=WRITE_AUDIT)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal-control mechanism")
        verbose_name_plural = _("internal-control mechanisms")
        ordering = ["unit__code"]

    def __str__(self):
        return f"{self.unit.name} {self.established_date}"


# The ledger is kept jointly by supervision (纪检监察/督察) and audit (督审):
# both read all of it in scope, leadership reads it, and the department an
# item belongs to (``RectificationItem.department``) creates, verifies and
# closes it. The responsible officer reads their own items and reports.
READ_LEDGER = frozenset({Role.AUDIT, Role.SUPERVISION, Role.LEADERSHIP})
WRITE_LEDGER = frozenset({Role.AUDIT, Role.SUPERVISION})


class RectificationItem(models.Model):
    """One item of the rectification ledger (整改台账): 建账 → 更新 → 销号."""

    class Source(models.TextChoices):
        FINDING = "finding", _("audit finding")
        INSPECTION = "inspection", _("failed inspection")
        ALERT = "alert", _("integrity-risk alert")
        MANUAL = "manual", _("entered by hand")

    class Status(models.TextChoices):
        RECTIFYING = "rectifying", _("being rectified")
        PENDING = "pending", _("awaiting verification")
        CLOSED = "closed", _("closed out")
        RETURNED = "returned", _("returned")

    class Department(models.TextChoices):
        AUDIT = "audit", _("audit department")
        SUPERVISION = "supervision", _("supervision department")

    OPEN = (Status.RECTIFYING, Status.PENDING, Status.RETURNED)

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("audit finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("internal-affairs inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    alert = models.ForeignKey(
        RiskAlert,
        verbose_name=_("integrity-risk alert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    department = models.CharField(_("lead department"), max_length=12, choices=Department.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="rectifications"
    )
    officer = models.ForeignKey(
        Officer, verbose_name=_("responsible person"), on_delete=models.PROTECT, related_name="rectifications"
    )
    description = models.TextField(_("problem"))
    measures = models.TextField(_("rectification measures"))
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(
        _("rectification status"), max_length=12, choices=Status.choices, default=Status.RECTIFYING
    )
    progress = models.TextField(_("progress reported"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    closed_date = models.DateField(_("closed-out date"), null=True, blank=True)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_LEDGER, write=WRITE_LEDGER, own="officer__user")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(source="finding", finding__isnull=False, inspection__isnull=True, alert__isnull=True)
                    | Q(source="inspection", finding__isnull=True, inspection__isnull=False, alert__isnull=True)
                    | Q(source="alert", finding__isnull=True, inspection__isnull=True, alert__isnull=False)
                    | Q(source="manual", finding__isnull=True, inspection__isnull=True, alert__isnull=True)
                ),
                name="rectification_source_matches_link",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_date__isnull=False)
                | (~Q(status="closed") & Q(closed_date__isnull=True)),
                name="rectification_closed_date_iff_closed",
            ),
            # One item per source record: the ledger is one line per problem.
            models.UniqueConstraint(
                fields=["finding"], condition=Q(finding__isnull=False), name="rectification_one_per_finding"
            ),
            models.UniqueConstraint(
                fields=["inspection"], condition=Q(inspection__isnull=False), name="rectification_one_per_inspection"
            ),
            models.UniqueConstraint(
                fields=["alert"], condition=Q(alert__isnull=False), name="rectification_one_per_alert"
            ),
        ]
        indexes = [models.Index(fields=["deadline", "status"], name="rectification_deadline_idx")]

    def __str__(self):
        return f"{self.unit.name} {self.deadline} {self.description[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def colour(self, today: dt.date) -> str:
        """The three-colour warning (红黄绿灯) of an open item on ``today``:
        ``green`` with more than ``yellow_days`` days left, ``yellow`` up to
        that, ``red`` with ``red_days`` or fewer left or overdue; ``""`` once
        closed out."""
        if not self.is_open:
            return ""
        return deadline_colour(self.deadline, today)

    @property
    def closed_late(self) -> bool:
        return self.closed_date is not None and self.closed_date > self.deadline


def deadline_colour(deadline: dt.date, today: dt.date) -> str:
    left = (deadline - today).days
    limits = settings.RECTIFICATION
    if left <= limits["red_days"]:
        return "red"
    if left <= limits["yellow_days"]:
        return "yellow"
    return "green"


def colour_deadlines(colour: str, today: dt.date) -> Q:
    """The deadlines of open items showing ``colour`` on ``today`` (for a
    filter counted in the database)."""
    limits = settings.RECTIFICATION
    red_last = today + dt.timedelta(days=limits["red_days"])
    yellow_last = today + dt.timedelta(days=limits["yellow_days"])
    return {
        "red": Q(deadline__lte=red_last),
        "yellow": Q(deadline__gt=red_last, deadline__lte=yellow_last),
        "green": Q(deadline__gt=yellow_last),
    }[colour]


class RectificationEvidence(EvidenceFile):
    """A file of evidence (佐证材料) attached to a rectification item."""

    item = models.ForeignKey(
        RectificationItem, verbose_name=_("rectification item"), on_delete=models.PROTECT, related_name="evidence"
    )
    history = HistoricalRecords()

    scope = Scope(unit="item__unit", read=READ_LEDGER, write=WRITE_LEDGER, own="item__officer__user")
    objects = ScopedQuerySet.as_manager()

    class Meta(EvidenceFile.Meta):
        verbose_name = _("rectification evidence")
        verbose_name_plural = _("rectification evidence")
