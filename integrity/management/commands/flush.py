"""``flush``, refusing while an append-only log has rows.

Django's ``flush`` empties every table, the append-only access log and the
security event log included; their database guards refuse that on both
engines (the security log refuses TRUNCATE even when empty), and this
command says so plainly before trying. The test suite alone may empty them,
with ``ACCESS_LOG_TEST_FLUSH`` (config/settings/test.py): tests that commit
are cleaned up with ``flush``.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from accounts.models import SecurityEvent
from integrity.access_chain import TABLE, log_empty_for_tests

APPEND_ONLY = (TABLE, SecurityEvent._meta.db_table)


class Command(flush.Command):
    def handle(self, **options):
        using = options["database"]
        connection = connections[using]
        for_tests = getattr(settings, "ACCESS_LOG_TEST_FLUSH", False)
        tables = [table for table in APPEND_ONLY if table in connection.introspection.table_names()]
        for table in tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")
                has_rows = cursor.fetchone() is not None
            if has_rows:
                if not for_tests:
                    raise CommandError(
                        f"{table} is append-only and has rows; flush would empty it, so nothing was flushed."
                    )
                log_empty_for_tests(using, table)
        if not (for_tests and connection.vendor == "postgresql"):
            return super().handle(**options)
        # The guards refuse TRUNCATE itself: lift them for the flush alone.
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
