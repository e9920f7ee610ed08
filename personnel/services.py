"""Writes of personnel records outside the import: a posting added by HR
from an officer's file."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import Unit

from .models import Officer, Posting


@transaction.atomic
def posting_create(
    *,
    officer: Officer,
    unit: Unit,
    position: str,
    start_date: dt.date,
    end_date: dt.date | None,
    leadership: bool,
    grassroots: bool,
    post_risk: str,
    acting_user,
) -> Posting:
    """Add one posting to ``officer``'s career; the history row is written
    by the same save. The posting's unit must be one the user may write
    postings for. Raises ``Officer.DoesNotExist`` when the user may not
    change the officer's records and ``ValidationError`` naming the field
    for bad input; nothing is written then."""
    if not Officer.objects.editable_by(acting_user).filter(pk=officer.pk).exists():
        raise Officer.DoesNotExist
    if not Unit.objects.within_grants(acting_user, Posting.scope.write).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Choose a unit within your grants.")})
    posting = Posting(
        officer=officer,
        unit=unit,
        position=(position or "").strip(),
        start_date=start_date,
        end_date=end_date,
        leadership=leadership,
        grassroots=grassroots,
        post_risk=post_risk,
    )
    if Posting.objects.filter(officer=officer, unit=unit, position=posting.position, start_date=start_date).exists():
        raise ValidationError(
            {
                "position": _("%(name)s already has the post “%(position)s” at %(unit)s from %(date)s.")
                % {
                    "name": officer.name,
                    "position": posting.position,
                    "unit": unit.name,
                    "date": start_date.isoformat(),
                }
            }
        )
    posting.full_clean(validate_constraints=False)
    posting._history_user = acting_user
    posting.save()
    return posting
