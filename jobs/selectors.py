"""Reads of the jobs app. A job is its owner's alone (superusers see every
job); a notification is its recipient's alone. Anything else answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Job, Notification


def jobs_visible_to(user) -> QuerySet:
    return Job.objects.visible_to(user)


def job_or_404(user, job_id) -> Job:
    job = jobs_visible_to(user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def inbox_of(user) -> QuerySet:
    return Notification.objects.filter(recipient=user, shown=True)


def unread_count(user) -> int:
    return inbox_of(user).filter(read_at__isnull=True).count()
