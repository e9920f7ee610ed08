"""Writes to audits, findings and internal controls.

Every write checks the acting user's audit grants here as well as in the
views: an import or a script must not be able to write outside a grant
either. ``acting_user=None`` is the system itself (migrations, fixtures).
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from personnel.models import Unit
from personnel.scoping import units_in_scope

from .models import WRITE_AUDIT, Audit, Finding, InternalControl


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
