"""Writes: the access log, the alert lifecycle, cases opened from alerts and case evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import evidence_fill

from .access_chain import chain_append
from .models import AccessLog, AlertNote, Case, CaseEvidence, CaseOfficer, RiskAlert

# --- Access log --------------------------------------------------------------


def _client_address(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted
    # proxy rewrites it, and a forged address would make the log lie.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(*, user, action: str, model, object_ids: Iterable, request=None, path: str = "") -> AccessLog:
    """Append one row: ``user`` was shown these records of ``model``.

    Called inside the request's transaction where there is one, so a read
    that fails half-way is not logged and a log that cannot be written
    fails the read. The row is chained to the one before it
    (``integrity.access_chain``); writers queue for the chain's end until
    the transaction commits.
    """
    ids = [str(pk) for pk in object_ids]
    return chain_append(
        AccessLog(
            user=user if (user is not None and user.is_authenticated) else None,
            username=getattr(user, "username", "") or "",
            action=action,
            record_kind=model._meta.label_lower,
            object_ids=",".join(ids),
            record_count=len(ids),
            path=(request.get_full_path() if request is not None else path)[:500],
            ip_address=_client_address(request),
        )
    )


def is_access_logged(model) -> bool:
    return bool(getattr(model, "access_logged", False))


# --- Alert lifecycle -----------------------------------------------------------


class AlertChanged(Exception):
    """Somebody else acted on the alert since the acting user loaded it."""

    def __init__(self):
        super().__init__(_("This alert was changed by someone else since you opened it. Reload it and try again."))


def _claim(*, alert: RiskAlert, version: int, allowed_from: Iterable[str], acting_user) -> RiskAlert:
    """Bump the alert's version if it is still at ``version`` and in one of
    ``allowed_from``, and if ``acting_user`` may edit it; the UPDATE's WHERE
    decides, so of two reviewers submitting at once exactly one wins.

    The row stays locked until the transaction ends, so the caller's save
    (which writes the history row) cannot interleave with another claim.
    """
    claimed = (
        RiskAlert.objects.editable_by(acting_user)
        .filter(pk=alert.pk, version=version, status__in=list(allowed_from))
        .update(version=F("version") + 1)
    )
    if not claimed:
        if not RiskAlert.objects.editable_by(acting_user).filter(pk=alert.pk).exists():
            raise RiskAlert.DoesNotExist
        raise AlertChanged()
    alert.refresh_from_db()
    alert._history_user = acting_user
    return alert


@transaction.atomic
def alert_start_review(*, alert: RiskAlert, version: int, acting_user) -> RiskAlert:
    alert = _claim(alert=alert, version=version, allowed_from=[RiskAlert.Status.OPEN], acting_user=acting_user)
    alert.status = RiskAlert.Status.IN_REVIEW
    alert.reviewer = acting_user
    alert.save()
    return alert


@transaction.atomic
def alert_close(*, alert: RiskAlert, version: int, disposition: str, note: str, acting_user) -> RiskAlert:
    if disposition not in (RiskAlert.Disposition.NO_ISSUE, RiskAlert.Disposition.ACTION_TAKEN):
        # Referral goes through alert_refer_to_case, which opens the case.
        raise ValidationError({"disposition": _("Choose “closed, no issue” or “action taken”.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Write a note saying what was checked or done.")})
    alert = _claim(alert=alert, version=version, allowed_from=[RiskAlert.Status.IN_REVIEW], acting_user=acting_user)
    alert.status = RiskAlert.Status.CLOSED
    alert.disposition = disposition
    alert.note = note.strip()
    alert.reviewer = acting_user
    alert.closed_at = timezone.now()
    alert.save()
    return alert


@transaction.atomic
def alert_refer_to_case(
    *, alert: RiskAlert, version: int, case_no: str, category: str, opened_date: dt.date, note: str, acting_user
) -> Case:
    """Close the alert as referred and open a case naming its officer; the
    case keeps the alert (``case.alerts``) and the alert the case. The
    category is the officer's in the case (``CaseOfficer``), whose status is
    ``open``; officers named later get their own."""
    if not alert.officer_id:
        raise ValidationError(
            {"case_no": _("A unit-level alert cannot be referred to a case; close it with a disposition.")}
        )
    errors = {}
    case_no = (case_no or "").strip()
    if not case_no:
        errors["case_no"] = _("Enter the case number.")
    elif Case.objects.visible_to(acting_user).filter(case_no=case_no).exists():
        # Checked among the cases the user can see only: a case hidden from
        # them may hold the number, and saying so would disclose it
        # (docs/security.md, "No existence oracle").
        errors["case_no"] = _("Case number %(no)s is already used by a case you can see.") % {"no": case_no}
    if category not in CaseOfficer.Category.values:
        errors["category"] = _("Choose a category.")
    if not (note or "").strip():
        errors["note"] = _("Write a note saying why the alert is referred.")
    if errors:
        raise ValidationError(errors)
    alert = _claim(alert=alert, version=version, allowed_from=RiskAlert.ACTIVE, acting_user=acting_user)
    case = Case(case_no=case_no, opened_date=opened_date)
    case._history_user = acting_user
    case.full_clean()
    case.save()
    link = CaseOfficer(case=case, officer_id=alert.officer_id, category=category, status=CaseOfficer.Status.OPEN)
    link._history_user = acting_user
    link.full_clean(exclude={"case", "officer"}, validate_unique=False, validate_constraints=False)
    link.save()
    alert.status = RiskAlert.Status.CLOSED
    alert.disposition = RiskAlert.Disposition.REFERRED_TO_CASE
    alert.note = note.strip()
    alert.case = case
    alert.reviewer = acting_user
    alert.closed_at = timezone.now()
    alert.save()
    return case


# --- Assignment, notes and bulk actions ---------------------------------------------


def _check_due_date(due_date: dt.date | None, today: dt.date) -> None:
    if due_date is not None and due_date < today:
        raise ValidationError(
            {
                "due_date": _("The due date %(date)s has passed; choose today (%(today)s) or a later day.")
                % {"date": due_date.isoformat(), "today": today.isoformat()}
            }
        )


def _check_assignee(*, alert: RiskAlert, assignee) -> None:
    """The assignee must be a supervision user who may work on the alert:
    their grants cover its subject and the alert is not about them."""
    if assignee is not None and not RiskAlert.objects.editable_by(assignee).filter(pk=alert.pk).exists():
        raise ValidationError(
            {
                "assignee": _(
                    "%(user)s cannot review the alert on %(subject)s: their supervision grants do not cover it."
                )
                % {"user": assignee, "subject": alert.subject_label}
            }
        )


@transaction.atomic
def alert_assign(*, alert: RiskAlert, version: int, assignee, due_date: dt.date | None, acting_user) -> RiskAlert:
    """Give an open or in-review alert to ``assignee`` (None: to nobody) with
    a due date; the history row records who assigned it."""
    _check_due_date(due_date, timezone.localdate())
    _check_assignee(alert=alert, assignee=assignee)
    alert = _claim(alert=alert, version=version, allowed_from=RiskAlert.ACTIVE, acting_user=acting_user)
    alert.assignee = assignee
    alert.due_date = due_date
    alert.save()
    return alert


@transaction.atomic
def alert_bulk_assign(*, versions: dict[int, int], assignee, due_date: dt.date | None, acting_user) -> list[RiskAlert]:
    """Assign every alert of ``versions`` ({alert id: version seen}) or none:
    an alert the acting user may not edit is a 404 for the whole request,
    and any refusal (assignee, due date, a changed alert) writes nothing."""
    alerts = RiskAlert.objects.editable_by(acting_user).select_related("officer", "unit").in_bulk(list(versions))
    if len(alerts) != len(versions):
        raise RiskAlert.DoesNotExist
    return [
        alert_assign(
            alert=alerts[pk], version=versions[pk], assignee=assignee, due_date=due_date, acting_user=acting_user
        )
        for pk in sorted(alerts)
    ]


@transaction.atomic
def alert_bulk_start_review(*, versions: dict[int, int], acting_user) -> list[RiskAlert]:
    """Start the review of every alert of ``versions``, all or none, as
    ``alert_start_review`` does one."""
    alerts = RiskAlert.objects.editable_by(acting_user).select_related("officer", "unit").in_bulk(list(versions))
    if len(alerts) != len(versions):
        raise RiskAlert.DoesNotExist
    started = [alerts[pk].subject_label for pk in sorted(alerts) if alerts[pk].status != RiskAlert.Status.OPEN]
    if started:
        raise ValidationError(
            _("The review of the alerts on %(subjects)s has already started or is finished; leave them out.")
            % {"subjects": "、".join(started)}
        )
    return [
        alert_start_review(alert=alerts[pk], version=versions[pk], acting_user=acting_user) for pk in sorted(alerts)
    ]


@transaction.atomic
def alert_note_add(*, alert: RiskAlert, text: str, acting_user) -> AlertNote:
    """Append a note to the alert's thread (open, in review or closed)."""
    if not RiskAlert.objects.editable_by(acting_user).filter(pk=alert.pk).exists():
        raise RiskAlert.DoesNotExist
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note before adding it.")})
    return AlertNote.objects.create(alert=alert, author=acting_user, text=text)


# --- Case evidence ---------------------------------------------------------------


@transaction.atomic
def case_evidence_attach(*, case: Case, upload, description: str = "", acting_user) -> CaseEvidence:
    """Evidence (佐证材料) attached to a case by supervision that may edit it
    (the conflict-of-interest rule included: nobody attaches to their own case)."""
    case = Case.objects.editable_by(acting_user).get(pk=case.pk)
    evidence = evidence_fill(CaseEvidence(case=case), upload=upload, description=description, acting_user=acting_user)
    evidence._history_user = acting_user
    evidence.save()
    return evidence
