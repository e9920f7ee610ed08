"""Writes to audits, findings, internal controls and the rectification ledger.

Every write checks the acting user's audit grants here as well as in the
views: an import or a script must not be able to write outside a grant
either. ``acting_user=None`` is the system itself (migrations, fixtures).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import evidence_fill
from integrity.models import Inspection, RiskAlert
from org.models import Unit, UnitScope
from org.scoping import units_in_scope
from personnel.models import Officer

from .models import WRITE_AUDIT, Audit, Finding, InternalControl, RectificationEvidence, RectificationItem


def _ensure_may_write(unit_id: int, acting_user) -> None:
    if acting_user is None:
        return
    if not Unit.objects.filter(pk=unit_id, pk__in=units_in_scope(acting_user, WRITE_AUDIT)).exists():
        raise PermissionDenied(_("You hold no audit grant covering this unit."))


def _save(record, *, unit_id: int, acting_user):
    _ensure_may_write(unit_id, acting_user)
    if record.pk and acting_user is not None:
        # Moving a record out of one's scope is a write to the old unit too.
        old_unit_id = type(record).objects.filter(pk=record.pk).values_list(record.scope.unit, flat=True).first()
        if old_unit_id is not None and old_unit_id != unit_id:
            _ensure_may_write(old_unit_id, acting_user)
    record.full_clean()
    if acting_user is not None:
        record._history_user = acting_user
    record.save()
    return record


@transaction.atomic
def audit_save(*, audit: Audit, acting_user) -> Audit:
    return _save(audit, unit_id=audit.unit_id, acting_user=acting_user)


@transaction.atomic
def finding_save(*, finding: Finding, acting_user) -> Finding:
    return _save(finding, unit_id=finding.audit.unit_id, acting_user=acting_user)


@transaction.atomic
def finding_set_status(*, finding: Finding, status: str, acting_user) -> Finding:
    """Record rectification progress of one finding (整改)."""
    finding.status = status
    return finding_save(finding=finding, acting_user=acting_user)


@transaction.atomic
def internal_control_save(*, control: InternalControl, acting_user) -> InternalControl:
    return _save(control, unit_id=control.unit_id, acting_user=acting_user)


# --- The rectification ledger (整改台账) -----------------------------------------
#
# Who does what (docs/audit.md, "The rectification ledger"):
# - the department an item belongs to (audit for findings, supervision for
#   failed inspections and alerts, either for an item entered by hand)
#   creates it, and verifies and closes it or returns it, on units within
#   its grants -- never the responsible person themselves;
# - the responsible person (the officer named, through their user account)
#   reports progress and uploads evidence.
# An item the acting user may not see answers DoesNotExist (404); one they
# may see but not act on answers PermissionDenied.


class LedgerChanged(Exception):
    """The item is no longer in the state the action starts from."""

    def __init__(self):
        super().__init__(_("This item was changed by someone else since you opened it. Reload it and try again."))


def _ledger_department_may_write(*, department: str, unit_id: int, acting_user) -> None:
    if not Unit.objects.filter(pk=unit_id, pk__in=units_in_scope(acting_user, department)).exists():
        raise PermissionDenied(
            _("You hold no %(role)s grant covering this unit.")
            % {"role": RectificationItem.Department(department).label}
        )


def _ledger_create(*, item: RectificationItem, acting_user) -> RectificationItem:
    _ledger_department_may_write(department=item.department, unit_id=item.unit_id, acting_user=acting_user)
    if not UnitScope.objects.filter(root_id=item.unit_id, unit_id=item.officer.unit_id).exists():
        raise ValidationError({"officer": _("The responsible person must work in the responsible unit.")})
    item.status = RectificationItem.Status.RECTIFYING
    item.full_clean()
    item._history_user = acting_user
    item.save()
    return item


@transaction.atomic
def rectification_create(
    *, department: str, unit: Unit, officer: Officer, description: str, measures: str, deadline, acting_user
) -> RectificationItem:
    """An item entered by hand (no source record)."""
    if department not in RectificationItem.Department.values:
        raise ValidationError({"department": _("Choose audit or supervision.")})
    item = RectificationItem(
        source=RectificationItem.Source.MANUAL,
        department=department,
        unit=unit,
        officer=officer,
        description=(description or "").strip(),
        measures=(measures or "").strip(),
        deadline=deadline,
    )
    return _ledger_create(item=item, acting_user=acting_user)


@transaction.atomic
def rectification_create_from_finding(
    *, finding: Finding, officer: Officer, measures: str, deadline=None, acting_user
) -> RectificationItem:
    """The finding's item: its unit, its description and (unless given) its
    deadline; the finding is marked as being rectified."""
    finding = Finding.objects.visible_to(acting_user).select_related("audit").get(pk=finding.pk)
    item = RectificationItem(
        source=RectificationItem.Source.FINDING,
        finding=finding,
        department=RectificationItem.Department.AUDIT,
        unit_id=finding.audit.unit_id,
        officer=officer,
        description=finding.description,
        measures=(measures or "").strip(),
        deadline=deadline or finding.deadline,
    )
    item = _ledger_create(item=item, acting_user=acting_user)
    if finding.status == Finding.Status.OPEN:
        finding_set_status(finding=finding, status=Finding.Status.RECTIFYING, acting_user=acting_user)
    return item


@transaction.atomic
def rectification_create_from_inspection(
    *, inspection: Inspection, officer: Officer, description: str, measures: str, deadline, acting_user
) -> RectificationItem:
    inspection = Inspection.objects.visible_to(acting_user).get(pk=inspection.pk)
    if inspection.passed:
        raise ValidationError({"inspection": _("Only an inspection that failed opens a rectification item.")})
    item = RectificationItem(
        source=RectificationItem.Source.INSPECTION,
        inspection=inspection,
        department=RectificationItem.Department.SUPERVISION,
        unit_id=inspection.unit_id,
        officer=officer,
        description=(description or inspection.note or "").strip(),
        measures=(measures or "").strip(),
        deadline=deadline,
    )
    return _ledger_create(item=item, acting_user=acting_user)


@transaction.atomic
def rectification_create_from_alert(
    *, alert: RiskAlert, unit: Unit, officer: Officer, description: str, measures: str, deadline, acting_user
) -> RectificationItem:
    """An alert closed with "action taken" becomes an item of supervision's.
    The alert is need-to-know: only who may see it can open the item, and
    the item's description is what they write, not the alert's facts."""
    alert = RiskAlert.objects.visible_to(acting_user).get(pk=alert.pk)
    if not (alert.status == RiskAlert.Status.CLOSED and alert.disposition == RiskAlert.Disposition.ACTION_TAKEN):
        raise ValidationError({"alert": _("Only an alert closed with “action taken” opens a rectification item.")})
    item = RectificationItem(
        source=RectificationItem.Source.ALERT,
        alert=alert,
        department=RectificationItem.Department.SUPERVISION,
        unit=unit,
        officer=officer,
        description=(description or "").strip(),
        measures=(measures or "").strip(),
        deadline=deadline,
    )
    return _ledger_create(item=item, acting_user=acting_user)


def _ledger_claim(*, item: RectificationItem, allowed_from, acting_user) -> RectificationItem:
    """The item, locked until the transaction ends, if ``acting_user`` may
    see it and it is still in one of ``allowed_from``."""
    locked = RectificationItem.objects.visible_to(acting_user).select_for_update().filter(pk=item.pk).first()
    if locked is None:
        raise RectificationItem.DoesNotExist
    if locked.status not in allowed_from:
        raise LedgerChanged()
    locked._history_user = acting_user
    return locked


def rectification_is_responsible(item: RectificationItem, user) -> bool:
    return bool(user and user.is_authenticated and item.officer.user_id == user.pk)


def _ensure_responsible(item: RectificationItem, acting_user) -> None:
    if not rectification_is_responsible(item, acting_user):
        raise PermissionDenied(_("Only the responsible person reports on this item."))


def _ensure_verifier(item: RectificationItem, acting_user) -> None:
    # Nobody verifies their own rectification, whatever their grants.
    if rectification_is_responsible(item, acting_user):
        raise PermissionDenied(_("The responsible person cannot verify their own item."))
    _ledger_department_may_write(department=item.department, unit_id=item.unit_id, acting_user=acting_user)


def rectification_may_report(item: RectificationItem, user) -> bool:
    reportable = (RectificationItem.Status.RECTIFYING, RectificationItem.Status.RETURNED)
    return item.status in reportable and rectification_is_responsible(item, user)


def rectification_may_verify(item: RectificationItem, user) -> bool:
    if item.status != RectificationItem.Status.PENDING:
        return False
    try:
        _ensure_verifier(item, user)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def rectification_report(*, item: RectificationItem, progress: str, acting_user) -> RectificationItem:
    """整改中 or 退回 → 待验收: the responsible person reports what was done."""
    item = _ledger_claim(
        item=item,
        allowed_from=[RectificationItem.Status.RECTIFYING, RectificationItem.Status.RETURNED],
        acting_user=acting_user,
    )
    _ensure_responsible(item, acting_user)
    if not (progress or "").strip():
        raise ValidationError({"progress": _("Say what was done to rectify the problem.")})
    item.status = RectificationItem.Status.PENDING
    item.progress = progress.strip()
    item.reported_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def rectification_close(*, item: RectificationItem, acting_user, closed_date=None) -> RectificationItem:
    """待验收 → 已销号: verified and closed out by the item's department. A
    finding's item closes the finding too."""
    item = _ledger_claim(item=item, allowed_from=[RectificationItem.Status.PENDING], acting_user=acting_user)
    _ensure_verifier(item, acting_user)
    item.status = RectificationItem.Status.CLOSED
    item.closed_date = closed_date or timezone.localdate()
    item.return_reason = ""
    item.verifier = acting_user
    item.save()
    if item.finding_id:
        finding = Finding.objects.get(pk=item.finding_id)
        finding.status = Finding.Status.RECTIFIED
        finding._history_user = acting_user
        finding.save()
    return item


@transaction.atomic
def rectification_return(*, item: RectificationItem, reason: str, acting_user) -> RectificationItem:
    """待验收 → 退回: not accepted, with the reason; the responsible person
    reports again."""
    item = _ledger_claim(item=item, allowed_from=[RectificationItem.Status.PENDING], acting_user=acting_user)
    _ensure_verifier(item, acting_user)
    if not (reason or "").strip():
        raise ValidationError({"return_reason": _("Say why the rectification is not accepted.")})
    item.status = RectificationItem.Status.RETURNED
    item.return_reason = reason.strip()
    item.verifier = acting_user
    item.save()
    return item


@transaction.atomic
def rectification_attach(
    *, item: RectificationItem, upload, description: str = "", acting_user
) -> RectificationEvidence:
    """Evidence (佐证材料) uploaded by the responsible person while the item
    is open."""
    item = _ledger_claim(item=item, allowed_from=RectificationItem.OPEN, acting_user=acting_user)
    _ensure_responsible(item, acting_user)
    evidence = evidence_fill(
        RectificationEvidence(item=item), upload=upload, description=description, acting_user=acting_user
    )
    evidence._history_user = acting_user
    evidence.save()
    return evidence
