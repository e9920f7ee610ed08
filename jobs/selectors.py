"""Reads of the jobs app. A job is its owner's alone (superusers see every
job); a notification is its recipient's alone. Anything else answers 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from org.scoping import sees_everything

from .models import Job, Notification


def jobs_visible_to(user) -> QuerySet:
    if not (user and user.is_authenticated and user.is_active):
        return Job.objects.none()
    live = Job.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    if sees_everything(user):
        return live
    return live.filter(owner=user)


def job_or_404(user, job_id) -> Job:
    job = jobs_visible_to(user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def inbox_of(user) -> QuerySet:
    return Notification.objects.filter(recipient=user, shown=True)


def unread_count(user) -> int:
    return inbox_of(user).filter(read_at__isnull=True).count()
