"""Trigram indexes for the officer search, where PostgreSQL has pg_trgm.

A record list searched by an officer's name or a part of a staff number
first looks the word up among the officers (core/admin_base.py,
``ScopedAdmin._search_through``); Django asks ``UPPER(name) LIKE UPPER('%…%')``.
A GIN index of the trigrams of ``UPPER(name)`` (and of ``UPPER(staff_no)``)
answers a word of three or more characters without reading the officer
table; a shorter word (a two-character name) and SQLite scan the table as
before. pg_trgm ships with PostgreSQL's contrib package and is a trusted
extension; where it cannot be created the migration leaves the search to
the scan instead of failing. Database-only: the indexes are not in the
model's state (Django would need ``django.contrib.postgres`` to declare
them), so ``makemigrations`` has nothing to say about them.
"""

from django.db import DatabaseError, migrations, transaction

INDEXES = {"personnel_officer_name_trgm": "name", "personnel_officer_staff_no_trgm": "staff_no"}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    with connection.cursor() as cursor:
        for index, column in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON personnel_officer USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for index in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("personnel", "0004_figure_stale_triggers")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
