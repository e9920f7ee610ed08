"""The SQLite test database, migrated once and kept as a template.

Running the project's and its libraries' ~100 migrations takes about
seven seconds of one core (Django renders the model states again after
each operation); every test process used to pay it. As zulip does with its
test template database, the migrated database is kept in a file named by a
digest of everything that decides its contents -- every migration file of
every installed app, the installed apps and Django's version -- and each
test process copies it into its own in-memory database with SQLite's
backup API (milliseconds). A changed migration changes the digest, so the
next run migrates again and keeps the new file; a file lock lets one
process build while the others of the same run wait for it instead of
migrating too. A parallel run's controller starts that build in a process
of its own (``template_build_start``) while its workers start.

PostgreSQL keeps pytest-django's own set-up (a database per worker, migrated).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases

# Inside the project, beside the other caches git ignores; `make clean`
# removes it.
TEMPLATE_DIR = Path(settings.BASE_DIR) / ".test-db"


def _digest() -> str:
    """Everything the migrated database is made of: each installed app's
    migration files, in order, the installed apps and Django's version."""
    digest = hashlib.sha256(f"{django.get_version()}|{','.join(settings.INSTALLED_APPS)}".encode())
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def uses_template() -> bool:
    """Only the SQLite test database (in memory, one per process) is kept."""
    return connections["default"].vendor == "sqlite"


def _test_name_set(connection) -> tuple[str, str]:
    """Point ``connection`` at its test database, as Django's creation does
    before it migrates; returns (the old name, the test name)."""
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    return old_name, test_name


def template_path() -> Path:
    return TEMPLATE_DIR / f"sqlite-{_digest()}.sqlite3"


def setup_from_template(verbosity: int = 0) -> list:
    """Create the test database of this process from the kept template,
    building the template first if there is none for these migrations.
    Returns what ``teardown_databases`` takes."""
    connection = connections["default"]
    TEMPLATE_DIR.mkdir(exist_ok=True)
    template = template_path()
    with open(TEMPLATE_DIR / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            # Migrate as Django always does, then keep a copy.
            old_config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
            partial = template.with_suffix(f".{os.getpid()}.partial")
            with sqlite3.connect(partial) as target:
                connection.ensure_connection()
                connection.connection.backup(target)
            target.close()
            os.replace(partial, template)
            return old_config
    old_name, _test_name = _test_name_set(connection)
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    return [(connection, old_name, True)]


def template_build_start() -> subprocess.Popen | None:
    """Start building the template in a process of its own when there is
    none, so that it is migrated while the test processes start and collect
    (two to five seconds each) instead of one of them migrating while the
    others wait on the lock. Whoever takes the lock first builds it."""
    if not uses_template() or template_path().exists():
        return None
    # It inherits the environment, settings module included (pytest-django
    # sets it in this process); tests.testdb_build falls back to the tests'.
    return subprocess.Popen(
        [sys.executable, "-m", "tests.testdb_build"], cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL
    )
