"""The embedded database holds concurrent users: twenty sessions read the
alert desk at once (each read writes an access-log row) from a SQLite file
served by a real runserver, and none gets an error."""

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
SESSIONS = 20  # concurrent logged-in sessions, each its own connection
ALERTS = 6
READS_PER_SESSION = 5

# Seconds per test: sent to a worker before the quick tests (tests/conftest.py).
pytestmark = pytest.mark.early


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _schema_file(path: Path) -> None:
    """A SQLite file holding the migrated schema (with the content types and
    permissions migrate creates): a dump of the test database when it is
    SQLite (fast; a backup would wait forever on the shared in-memory
    database this test's transaction holds), else a fresh migrate."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            target.executescript("\n".join(connection.connection.iterdump()))
        return
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def _wait_for(port: int, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("the server stopped: " + server.stderr.read().decode())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("the server did not start")


def test_twenty_sessions_read_the_alert_desk_at_once_without_error(tmp_path, db):
    db_file, keys_file, port = tmp_path / "desk.sqlite3", tmp_path / "keys", _free_port()
    _schema_file(db_file)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.accounts.alert_desk_server",
            str(db_file),
            str(port),
            str(keys_file),
            str(SESSIONS),
            str(ALERTS),
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, server, time.monotonic() + 30)
        keys = keys_file.read_text().split()
        assert len(keys) == SESSIONS
        results, start = [], threading.Barrier(SESSIONS)

        def read(key):
            start.wait()
            for _ in range(READS_PER_SESSION):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                try:
                    conn.request("GET", "/integrity/alerts/", headers={"Cookie": f"sessionid={key}"})
                    response = conn.getresponse()
                    results.append((response.status, response.read().decode()))
                except OSError as error:
                    results.append((None, repr(error)))
                finally:
                    conn.close()

        threads = [threading.Thread(target=read, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server_errors = server.stderr.read().decode()

    failures = [(status, body[:300]) for status, body in results if status != 200]
    assert failures == [], server_errors[-3000:]
    assert len(results) == SESSIONS * READS_PER_SESSION
    # Every page lists the six alerts, and every read left its access-log row.
    assert all(sum(f"预警关员{n}" in body for n in range(ALERTS)) == ALERTS for _status, body in results)
    with closing(sqlite3.connect(db_file)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        logged = db.execute(
            "SELECT count(*) FROM integrity_accesslog WHERE record_kind = 'integrity.riskalert' AND action = 'list'"
        ).fetchone()
    assert logged == (SESSIONS * READS_PER_SESSION,)
    assert "database is locked" not in server_errors
