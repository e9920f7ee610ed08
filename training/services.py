"""Writes of training records outside the import: one record added by HR
from an officer's file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from personnel.models import Officer

from .models import TrainingRecord


@transaction.atomic
def training_record_create(
    *, officer: Officer, course: str, start_date: dt.date, end_date: dt.date, days: Decimal, mode: str, acting_user
) -> TrainingRecord:
    """Add one training record to ``officer``'s file; the history row is
    written by the same save. Raises ``Officer.DoesNotExist`` when the user
    may not change the officer's records (the caller answers 404, as for an
    officer that does not exist) and ``ValidationError`` naming the field
    for bad input; nothing is written then."""
    if not Officer.objects.editable_by(acting_user).filter(pk=officer.pk).exists():
        raise Officer.DoesNotExist
    record = TrainingRecord(
        officer=officer, course=(course or "").strip(), start_date=start_date, end_date=end_date, days=days, mode=mode
    )
    # The officer's whole career is visible to whoever may write it (HR of
    # the officer's current unit), so naming a clash discloses nothing.
    if TrainingRecord.objects.filter(officer=officer, course=record.course, start_date=start_date).exists():
        raise ValidationError(
            {
                "course": _("%(name)s already has the course “%(course)s” starting on %(date)s.")
                % {"name": officer.name, "course": record.course, "date": start_date.isoformat()}
            }
        )
    record.full_clean(validate_constraints=False)
    record._history_user = acting_user
    record.save()
    return record
