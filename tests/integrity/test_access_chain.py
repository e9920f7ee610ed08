"""The access log's guard (REPLACE, TRUNCATE, flush refused), its hash
chain and ``verify_access_log``, and the reads it was missing."""

import datetime as dt
import hashlib
import importlib
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from integrity.access_chain import GENESIS, chain_verify, log_rows, row_hash
from integrity.models import AccessLog, Case
from integrity.services import access_log_record

from .factories import RiskAlertFactory, case_naming

pytestmark = pytest.mark.django_db
TABLE = "integrity_accesslog"
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's REPLACE")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's TRUNCATE")


@contextmanager
def as_database_admin():
    """What a database administrator would do to edit the log behind the
    system's back: lift the append-only guard, write, put the guard back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (An administrator works in a session of their own; inside the
            # test's transaction, run the pending foreign-key checks first.)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            yield cursor
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            triggers = cursor.fetchall()
            assert {name for name, _sql in triggers} == {
                f"{TABLE}_no_update",
                f"{TABLE}_no_delete",
                f"{TABLE}_no_replace",
            }
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
            yield cursor
            for _name, sql in triggers:
                cursor.execute(sql)


def _as_own_session():
    """Statements a client runs in a session of its own see no foreign-key
    check still deferred by the test's transaction; run those now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _three_reads(user):
    return [
        access_log_record(user=user, action=AccessLog.Action.VIEW, model=Case, object_ids=[ids], path="shell")
        for ids in (7, 8, 9)
    ]


def _verify():
    out = []

    class Sink:
        def write(self, text, *args, **kwargs):
            out.append(text)

        def flush(self):
            pass

    call_command("verify_access_log", stdout=Sink(), stderr=Sink())
    return "".join(out)


def test_it_chains_every_row_to_the_one_before_it(bob):
    first, second, third = _three_reads(bob)
    # The first row's hash, by hand from the documented canonical form.
    content = [
        GENESIS,
        bob.pk,
        "bob",
        first.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "view",
        "integrity.case",
        "7",
        1,
        "shell",
        None,
    ]
    expected = hashlib.sha256(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    stored = list(AccessLog.objects.order_by("pk").values_list("prev_hash", "row_hash"))
    assert stored == [(GENESIS, expected), (expected, second.row_hash), (second.row_hash, third.row_hash)]
    assert len({expected, second.row_hash, third.row_hash}) == 3


def test_it_verifies_an_intact_chain_and_names_its_last_hash(bob):
    *_, last = _three_reads(bob)
    assert _verify() == f"verifying the access log ...\naccess log intact: 3 rows, last hash {last.row_hash}\n"


def test_it_verifies_an_empty_log():
    assert _verify().endswith("access log intact: 0 rows, last hash " + GENESIS + "\n")


def test_it_reports_progress_while_it_walks(bob):
    rows = _three_reads(bob) + _three_reads(bob)
    seen = []
    count, head, broken = chain_verify(log_rows(AccessLog), progress=lambda n, pk: seen.append((n, pk)), every=2)
    assert (count, head, broken) == (6, rows[-1].row_hash, None)
    assert seen == [(2, rows[1].pk), (4, rows[3].pk), (6, rows[5].pk)]


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    def write(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    access_log_record(
                        user=None, action=AccessLog.Action.VIEW, model=Case, object_ids=[n, i], path="thread"
                    )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    assert AccessLog.objects.count() == 40
    assert chain_verify(log_rows(AccessLog))[0::2] == (40, None)


def test_it_finds_a_row_edited_behind_the_systems_back(bob):
    first, second, third = _three_reads(bob)
    with as_database_admin() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET object_ids = '99' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError) as refused:
        _verify()
    assert refused.value.returncode == 1
    assert str(refused.value) == (
        f"access log chain broken at row {second.pk}: its content does not match its stored hash "
        "(the row was edited) (the 1 rows before it are intact)"
    )


def test_it_finds_an_edit_whose_hash_was_recomputed_for_the_row_alone(bob):
    first, second, third = _three_reads(bob)
    forged = dict(
        AccessLog.objects.filter(pk=second.pk)
        .values(
            "prev_hash",
            "user_id",
            "username",
            "at",
            "action",
            "record_kind",
            "object_ids",
            "record_count",
            "path",
            "ip_address",
        )
        .get(),
        object_ids="99",
    )
    with as_database_admin() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET object_ids = '99', row_hash = %s WHERE id = %s", [row_hash(**forged), second.pk]
        )
    with pytest.raises(
        CommandError,
        match=rf"broken at row {third.pk}: its previous-row hash is not the hash of "
        r"the row before it",
    ):
        _verify()


def test_it_finds_a_removed_row(bob):
    first, second, third = _three_reads(bob)
    with as_database_admin() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=rf"broken at row {second.pk}: its previous-row hash is not the genesis"):
        _verify()


def test_its_migration_rebuilds_exactly_the_chain_the_writer_built(bob):
    rows = _three_reads(bob)
    migration = importlib.import_module("integrity.migrations.0003_access_log_chain")
    with as_database_admin() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET prev_hash = 'before ' || id, row_hash = ''")
        migration.chain_existing_rows(apps, SimpleNamespace(connection=connection))
    stored = list(AccessLog.objects.order_by("pk").values_list("prev_hash", "row_hash"))
    assert stored == [(row.prev_hash, row.row_hash) for row in rows]


def test_it_refuses_a_second_row_after_the_same_one(bob):
    first, second, _third = _three_reads(bob)
    fork = AccessLog(
        username="mallory", action="view", record_kind="integrity.case", prev_hash=first.row_hash, row_hash="0" * 64
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        fork.save(force_insert=True)
    assert AccessLog.objects.filter(prev_hash=first.row_hash).get().pk == second.pk


@on_sqlite
@pytest.mark.parametrize("verb", ["REPLACE", "INSERT OR REPLACE"])
def test_it_refuses_replace_on_sqlite(bob, verb):
    first, *_ = _three_reads(bob)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{verb} INTO {TABLE} (id, username, at, action, record_kind, object_ids, record_count, path, "
            "prev_hash, row_hash) VALUES (%s, 'mallory', '2026-01-01 00:00:00', 'view', 'integrity.case', '1', 1, "
            "'', %s, %s)",
            [first.pk, first.prev_hash, first.row_hash],
        )
    first_now = AccessLog.objects.get(pk=first.pk)
    assert (first_now.username, first_now.object_ids) == ("bob", "7")
    assert _verify().startswith("verifying the access log ...\naccess log intact: 3 rows")


@on_postgres
@pytest.mark.parametrize("statement", [f"TRUNCATE {TABLE}", "TRUNCATE auth_user CASCADE"])
def test_it_refuses_truncate_on_postgresql(bob, statement):
    _three_reads(bob)
    _as_own_session()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AccessLog.objects.count() == 3


@on_postgres
def test_it_refuses_upsert_on_postgresql(bob):
    first, *_ = _three_reads(bob)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, username, at, action, record_kind, object_ids, record_count, path, prev_hash, "
            "row_hash) VALUES (%s, 'mallory', now(), 'view', 'integrity.case', '1', 1, '', 'x', 'y') "
            "ON CONFLICT (id) DO UPDATE SET username = 'mallory'",
            [first.pk],
        )
    assert AccessLog.objects.get(pk=first.pk).username == "bob"


@override_settings(ACCESS_LOG_TEST_FLUSH=False)
def test_it_refuses_flush_while_the_log_has_rows(bob):
    _three_reads(bob)
    with pytest.raises(CommandError, match="append-only and has rows; flush would empty it"):
        call_command("flush", interactive=False, verbosity=0)
    assert AccessLog.objects.count() == 3
    # The database refuses flush's own statements too, whoever runs them.
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    _as_own_session()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.ops.execute_sql_flush(statements)
    assert AccessLog.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_only_the_test_suites_flush_empties_the_log_and_the_guard_stays():
    """Tests that commit are cleaned up with flush (this one too, at its
    end); with the test-only setting it empties the log and puts the guard
    back."""
    access_log_record(user=None, action=AccessLog.Action.VIEW, model=Case, object_ids=[1], path="shell")
    call_command("flush", interactive=False, verbosity=0)
    assert AccessLog.objects.count() == 0
    entry = access_log_record(user=None, action=AccessLog.Action.VIEW, model=Case, object_ids=[2], path="shell")
    assert entry.prev_hash == GENESIS
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(username="mallory")


def test_it_logs_the_delete_confirmation_page(client, bob, officers):
    case = case_naming(officers["5100"])
    client.force_login(bob)
    assert client.get(f"/admin/integrity/case/{case.pk}/delete/").status_code == 200
    entry = AccessLog.objects.get(user=bob)
    assert (entry.action, entry.record_kind, entry.object_ids, entry.path) == (
        "view",
        "integrity.case",
        str(case.pk),
        f"/admin/integrity/case/{case.pk}/delete/",
    )


def test_it_logs_the_cases_an_autocomplete_offers(client, bob, officers):
    gz = case_naming(officers["5100"], case_no="GZ-1")
    sz = case_naming(officers["5201"], case_no="SZ-1")
    case_naming(officers["0200"], case_no="TJ-1")  # outside bob's grants
    RiskAlertFactory(officer=officers["5100"])
    client.force_login(bob)
    url = "/admin/autocomplete/?app_label=integrity&model_name=riskalert&field_name=case&term="
    response = client.get(url)
    assert response.status_code == 200
    assert {r["text"] for r in response.json()["results"]} == {"GZ-1", "SZ-1"}
    entry = AccessLog.objects.get(user=bob)
    assert (entry.action, entry.record_kind, entry.record_count) == ("list", "integrity.case", 2)
    assert set(entry.object_ids.split(",")) == {str(gz.pk), str(sz.pk)}
    # Nothing offered, nothing logged; officers are not a need-to-know kind.
    assert client.get(url + "NO-SUCH").json()["results"] == []
    client.get("/admin/autocomplete/?app_label=integrity&model_name=complaint&field_name=officer&term=")
    assert AccessLog.objects.count() == 1
