"""Writes of the jobs app: jobs, reminders, preferences, schedules."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .models import Job, Notification, ReminderPreference, ScheduleRun
from .registry import Reminder

logger = logging.getLogger(__name__)

JOB_FINISHED = "job_finished"


# --- Jobs -------------------------------------------------------------------


def job_start(*, task, title: str, kind: str, scope: str = "", params=None, acting_user, args=()) -> Job:
    """Record a job for ``acting_user`` and queue ``task(job_id, *args)``
    once the record is committed (a worker never looks for a missing row)."""
    with transaction.atomic():
        job = Job.objects.create(
            owner=acting_user if getattr(acting_user, "pk", None) else None,
            kind=kind,
            title=title[:200],
            scope=scope[:200],
            params=params or {},
        )
        transaction.on_commit(lambda: task.enqueue(str(job.pk), *args))
    return job


def job_running(job: Job) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=now)
    Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(status=Job.Status.RUNNING)
    job.refresh_from_db()


def job_progress(job: Job, *, done: int | None = None, total: int | None = None, advance: int = 0) -> None:
    """Set or advance the job's n of N (an update of one row; parts running
    on several workers advance it together)."""
    changes = {}
    if total is not None:
        changes["total"] = total
    if done is not None:
        changes["done"] = done
    if advance:
        changes["done"] = F("done") + advance
    if changes:
        Job.objects.filter(pk=job.pk).update(**changes)


def job_succeed(job: Job, *, summary: str = "", result_name: str = "", result_type: str = "", result_bytes=0) -> None:
    now = timezone.now()
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk).exclude(status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED])
        if not updated.update(
            status=Job.Status.SUCCEEDED,
            done=F("total"),
            summary=summary,
            result_name=result_name[:255],
            result_type=result_type,
            result_bytes=result_bytes,
            finished_at=now,
            expires_at=now + dt.timedelta(days=settings.JOBS["result_days"]),
        ):
            return
        job.refresh_from_db()
        _job_finished_notice(job)


def job_fail(job: Job, message: str) -> None:
    """The job stops; ``message`` says why in plain words. Any stored
    result or pieces are dropped; an import's upload goes too."""
    now = timezone.now()
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk).exclude(status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED])
        if not updated.update(
            status=Job.Status.FAILED,
            error=message,
            finished_at=now,
            expires_at=now + dt.timedelta(days=settings.JOBS["result_days"]),
        ):
            return
        job.chunks.all().delete()
        job.refresh_from_db()
        _job_finished_notice(job)


def job_part_done(job: Job) -> bool:
    """Count one finished part; True for the call that finished the last one
    (that caller goes on to the job's last step)."""
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(parts_done=F("parts_done") + 1)
        row = Job.objects.select_for_update().values("parts", "parts_done", "status").get(pk=job.pk)
    return row["parts_done"] == row["parts"] and row["status"] == Job.Status.RUNNING


def jobs_prune(*, now=None) -> int:
    """Delete the jobs whose results expired (their files go with them)."""
    _count, by_model = Job.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return by_model.get(Job._meta.label, 0)


def _job_finished_notice(job: Job) -> None:
    if job.owner_id is None:
        return
    if job.status == Job.Status.SUCCEEDED:
        title = _("Finished: %(job)s") % {"job": job.title}
        body = job.summary
    else:
        title = _("Failed: %(job)s") % {"job": job.title}
        body = job.error
    reminders_deliver(
        [
            Reminder(
                recipient=job.owner,
                kind=JOB_FINISHED,
                key=f"job:{job.pk}",
                title=title,
                body=body,
                url=f"/jobs/{job.pk}/",
            )
        ]
    )


# --- Reminders --------------------------------------------------------------


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """{reminder kind: (inbox, e-mail)} for every kind, defaults filled in."""
    saved = {p.kind: (p.inbox, p.email) for p in ReminderPreference.objects.filter(user=user)}
    return {kind.key: saved.get(kind.key, (True, False)) for kind in registry.reminder_kinds()}


def preferences_save(*, user, choices: dict[str, tuple[bool, bool]], acting_user) -> None:
    if acting_user.pk != user.pk:
        raise PermissionError("a user sets their own reminder preferences")
    known = {kind.key for kind in registry.reminder_kinds()}
    with transaction.atomic():
        for kind, (inbox, email) in choices.items():
            if kind in known:
                ReminderPreference.objects.update_or_create(
                    user=user, kind=kind, defaults={"inbox": inbox, "email": email}
                )


def _still_visible(reminder: Reminder) -> bool:
    """Does the recipient see every record the message names, now?"""
    for model, ids in reminder.records:
        wanted = set(ids)
        if model._default_manager.visible_to(reminder.recipient).filter(pk__in=wanted).count() != len(wanted):
            return False
    return True


def reminders_deliver(reminders: Iterable[Reminder]) -> int:
    """Put each reminder in its recipient's inbox and/or e-mail, as they
    chose; a fact already reported to them, a recipient who turned the kind
    off or who no longer sees a record it names is skipped. Returns how many
    were sent."""
    sent = 0
    preferences: dict[int, dict[str, tuple[bool, bool]]] = {}
    for reminder in reminders:
        user = reminder.recipient
        if not user.is_active:
            continue
        if user.pk not in preferences:
            preferences[user.pk] = preferences_of(user)
        inbox, email = preferences[user.pk].get(reminder.kind, (True, False))
        email = email and bool(user.email)
        if not (inbox or email):
            continue
        if Notification.objects.filter(recipient=user, key=reminder.key[:200]).exists():
            continue
        if not _still_visible(reminder):
            continue
        kind = registry.reminder_kind(reminder.kind)
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=user,
                    kind=reminder.kind,
                    key=reminder.key[:200],
                    title=reminder.title[:200],
                    body=reminder.body,
                    url=reminder.url,
                    shown=inbox,
                    emailed=email,
                )
                if kind is not None and kind.sent is not None:
                    kind.sent(reminder)
        except IntegrityError:
            continue  # sent by a run at the same moment
        if email:
            transaction.on_commit(lambda r=reminder, to=user.email: _email(r, to))
        sent += 1
    return sent


def _email(reminder: Reminder, to: str) -> None:
    body = reminder.body
    if reminder.url:
        body = f"{body}\n\n{reminder.url}" if body else reminder.url
    try:
        send_mail(reminder.title, body, settings.DEFAULT_FROM_EMAIL, [to])
    except OSError:
        # The inbox copy stands; a mail server that is down loses the e-mail only.
        logger.exception("reminder e-mail to %s failed", to)


def reminders_send(*, as_of: dt.date, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Build and send every registered reminder due on ``as_of``."""
    counts = {}
    for kind in registry.reminder_kinds():
        if kind.build is None or (kinds is not None and kind.key not in kinds):
            continue
        counts[kind.key] = reminders_deliver(kind.build(as_of))
    return counts


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- Schedules ----------------------------------------------------------------


def schedules_run(*, as_of: dt.date) -> list[tuple[str, str | None]]:
    """Run each daily schedule once for ``as_of``: [(name, summary)], the
    summary None for a schedule that already ran that day. A schedule that
    fails leaves no mark, so the next run tries it again."""
    out = []
    for schedule in registry.schedules():
        if ScheduleRun.objects.filter(name=schedule.name, day=as_of).exists():
            out.append((schedule.name, None))
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    run = ScheduleRun.objects.create(name=schedule.name, day=as_of)
            except IntegrityError:
                out.append((schedule.name, None))
                continue
            run.summary = schedule.run(as_of)
            run.save(update_fields=["summary"])
        out.append((schedule.name, run.summary))
    return out
