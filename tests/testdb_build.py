"""``python -m tests.testdb_build``: migrate the SQLite test template of
tests/testdb.py if there is none. tests/conftest.py starts it beside the
test processes of a parallel run."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.test.utils import teardown_databases  # noqa: E402

from tests import testdb  # noqa: E402

teardown_databases(testdb.setup_from_template(), verbosity=0)
