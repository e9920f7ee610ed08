"""Reads of the jobs app. A job is its owner's alone (superusers see every
job); a notification is its recipient's alone. Anything else answers 404."""

from __future__ import annotations

import functools

from django.db import connection
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


@functools.cache
def _unread_count_sql() -> str:
    """``inbox_of(user).filter(read_at__isnull=True).count()`` as SQL. The
    navigation bar shows the count on every page, so the SQL is written once
    per process from the model's own names: building it with the ORM each
    time cost several times more than running it (org/access.py writes the
    grants query the same way)."""
    quote = connection.ops.quote_name

    def column(name):
        return quote(Notification._meta.get_field(name).column)

    return (
        f"SELECT COUNT(*) FROM {quote(Notification._meta.db_table)}"
        f" WHERE {column('recipient')} = %s AND {column('shown')} = %s AND {column('read_at')} IS NULL"
    )


def unread_count(user) -> int:
    """The number of messages in the user's inbox not yet read."""
    with connection.cursor() as cursor:
        cursor.execute(_unread_count_sql(), [user.pk, True])
        return cursor.fetchone()[0]
