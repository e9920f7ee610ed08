"""Background jobs, their stored files, and the in-app inbox.

A job's files (its result, an import's upload, the dossiers a batch renders
before they are zipped) are kept in the database in chunks, never in a
temporary folder: they hold personnel and need-to-know records.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.scoping import sees_everything


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs ``user`` may see: their own, every job for a superuser;
        a job past its expiry is gone for everyone."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        live = self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        return live if sees_everything(user) else live.filter(owner=user)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # None: a job the schedule started (the daily risk scan); superusers see it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("job"), max_length=200)
    # What the job covers, as the owner chose it: a unit code, "national", a file name.
    scope = models.CharField(_("scope"), max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # A job split into parts (a batch zip on several workers): how many parts
    # there are and how many have finished.
    parts = models.PositiveIntegerField(default=0)
    parts_done = models.PositiveIntegerField(default=0)
    error = models.TextField(_("why it failed"), blank=True)
    # What the job produced: a line for the page (counts), and a file.
    summary = models.TextField(blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    result_bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["expires_at"])]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def has_result(self) -> bool:
        return self.status == self.Status.SUCCEEDED and bool(self.result_name)


class JobChunk(models.Model):
    """One piece of a stored file of a job, in order of ``seq``."""

    class Slot(models.TextChoices):
        RESULT = "result", _("result")
        UPLOAD = "upload", _("upload")
        # One rendered file waiting to be put into the result zip; ``name``
        # is its name inside the zip.
        PIECE = "piece", _("piece")

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="chunks")
    slot = models.CharField(max_length=8, choices=Slot.choices)
    seq = models.PositiveIntegerField()
    name = models.CharField(max_length=255, blank=True)
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot", "seq"], name="jobs_chunk_unique_seq")]

    def __str__(self):
        return f"{self.job_id} {self.slot} {self.seq}"


class Notification(models.Model):
    """One message in a user's inbox. ``key`` names the fact it reports
    (the rule, the record, the stage or the day), so the same fact is never
    reported twice to the same user."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("reminder"), max_length=40)
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)
    shown = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="jobs_notification_once")]
        indexes = [models.Index(fields=["recipient", "shown", "read_at"])]

    def __str__(self):
        return self.title


class ReminderPreference(models.Model):
    """A user's choice for one reminder kind; without a row, the kind's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences")
    kind = models.CharField(max_length=40)
    inbox = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="jobs_preference_once")]

    def __str__(self):
        return f"{self.user_id} {self.kind}"


class ScheduleRun(models.Model):
    """A daily schedule that ran (or is running) on a day: the unique pair
    makes ``run_schedules`` a no-op the second time the same day."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="jobs_schedule_once_a_day")]

    def __str__(self):
        return f"{self.name} {self.day}"
