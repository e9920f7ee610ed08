"""``flush``, refusing while the access log has rows.

Django's ``flush`` empties every table, the append-only access log
included; the database guard (migration 0004) refuses that on both engines,
and this command says so plainly before trying. The test suite alone may
empty the log, with ``ACCESS_LOG_TEST_FLUSH`` (config/settings/test.py):
tests that commit are cleaned up with ``flush``.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from integrity.access_chain import TABLE, log_empty_for_tests


class Command(flush.Command):
    def handle(self, **options):
        using = options["database"]
        connection = connections[using]
        if TABLE in connection.introspection.table_names():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")
                has_rows = cursor.fetchone() is not None
            if has_rows:
                if not getattr(settings, "ACCESS_LOG_TEST_FLUSH", False):
                    raise CommandError(
                        "The access log is append-only and has rows; flush would empty it, so nothing was flushed."
                    )
                log_empty_for_tests(using)
        return super().handle(**options)
