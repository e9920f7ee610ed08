"""Reads of the jobs app. A job is its owner's alone (superusers see every
job); a notification is its recipient's alone. Anything else answers 404."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from org.sql import column, table

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


@functools.cache
def _unread_count_sql() -> str:
    """``inbox_of(user).filter(read_at__isnull=True).count()`` as SQL written
    once per process (org/sql.py): the navigation bar shows the count on
    every page."""
    return (
        f"SELECT COUNT(*) FROM {table(Notification)} WHERE {column(Notification, 'recipient')} = %s"
        f" AND {column(Notification, 'shown')} = %s AND {column(Notification, 'read_at')} IS NULL"
    )


def unread_count(user) -> int:
    """The number of messages in the user's inbox not yet read."""
    with connection.cursor() as cursor:
        cursor.execute(_unread_count_sql(), [user.pk, True])
        return cursor.fetchone()[0]
