"""The access log's hash chain and its database guard (docs/integrity.md).

Every ``AccessLog`` row stores ``prev_hash``, the ``row_hash`` of the row
before it (``GENESIS`` for the first row), and ``row_hash``, the SHA-256 of
its own content together with ``prev_hash``. Editing, removing or inserting
a row behind the system's back breaks a link, which ``verify_access_log``
reports.

The canonical form hashed by ``row_hash`` is frozen: changing it would make
every existing row fail verification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

TABLE = "integrity_accesslog"
GENESIS = "0" * 64

#: The fields a row's hash covers, in the order they are hashed. The id is
#: not among them: the database assigns it during the insert, after the
#: hash is computed; the chain itself fixes each row's place.
CHAINED_FIELDS = (
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


def _canonical_address(value) -> str | None:
    # PostgreSQL's inet and SQLite's text may spell one address differently
    # (IPv6 compression); its bytes are the same.
    if value in (None, ""):
        return None
    try:
        return ipaddress.ip_address(value).packed.hex()
    except ValueError:  # SQLite keeps whatever text it was given
        return str(value)


def row_hash(
    *, prev_hash, user_id, username, at, action, record_kind, object_ids, record_count, path, ip_address
) -> str:
    """SHA-256 (hex) of one row's content and the previous row's hash."""
    content = [
        prev_hash,
        user_id,
        username,
        at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        action,
        record_kind,
        object_ids,
        record_count,
        path,
        _canonical_address(ip_address),
    ]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def chain_lock(using: str) -> None:
    """Serialise writers of the log until the transaction ends, so that two
    of them cannot both read the same last row and fork the chain.

    PostgreSQL: a table lock that conflicts with itself and with every
    insert but not with readers. (Locking the last row FOR UPDATE would not
    do: the second writer would wake up holding the same, now outdated, last
    row.) SQLite: transactions are serialisable -- a transaction that read
    the last row cannot commit an insert after another writer committed one
    (the write lock, or SQLITE_BUSY_SNAPSHOT in WAL mode) -- so nothing is
    needed beyond reading and inserting in one transaction. Either way the
    unique ``prev_hash`` refuses a second row after the same predecessor.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")


def chain_append(entry, *, using: str = "default"):
    """Insert ``entry`` (an unsaved ``AccessLog``) at the end of the chain."""
    model = type(entry)
    with transaction.atomic(using=using):
        chain_lock(using)
        entry.at = timezone.now()  # in chain order: taken once the writer holds the chain's end
        last = model.objects.using(using).order_by("-pk").values_list("row_hash", flat=True).first()
        entry.prev_hash = last or GENESIS
        entry.row_hash = row_hash(**{name: getattr(entry, name) for name in CHAINED_FIELDS})
        entry.save(using=using, force_insert=True)
    return entry


@dataclass(frozen=True)
class Break:
    row_id: int
    problem: str

    def __str__(self):
        return f"row {self.row_id}: {self.problem}"


def chain_verify(rows: Iterable[dict], progress=None, every: int = 100_000) -> tuple[int, str, Break | None]:
    """Walk ``rows`` (dicts with ``id`` and ``CHAINED_FIELDS`` plus
    ``row_hash``, in id order) and return (rows checked, last hash, first
    break or None). Holds one row at a time."""
    expected_prev, count = GENESIS, 0
    for row in rows:
        count += 1
        if row["prev_hash"] != expected_prev:
            before = "the genesis value" if expected_prev == GENESIS else "the hash of the row before it"
            return (
                count,
                expected_prev,
                Break(
                    row["id"],
                    f"its previous-row hash is not {before} (a row before it was removed, added or rewritten)",
                ),
            )
        actual = row_hash(**{name: row[name] for name in CHAINED_FIELDS})
        if actual != row["row_hash"]:
            return (
                count,
                expected_prev,
                Break(row["id"], "its content does not match its stored hash (the row was edited)"),
            )
        expected_prev = row["row_hash"]
        if progress is not None and count % every == 0:
            progress(count, row["id"])
    return count, expected_prev, None


def log_rows(model, using: str = "default", chunk_size: int = 5000) -> Iterator[dict]:
    """The log's rows in chain order, streamed."""
    return model.objects.using(using).order_by("pk").values("id", "row_hash", *CHAINED_FIELDS).iterator(chunk_size)


def log_empty_for_tests(using: str, table: str = TABLE) -> None:
    """Empty the log by the database administrator's route: lift the guard,
    delete, put the guard back, in one transaction.

    Only the test suite's ``flush`` calls it, and only with the setting
    ``ACCESS_LOG_TEST_FLUSH`` on (config/settings/test.py; nothing turns it
    on elsewhere): tests that commit (``transactional_db``, ``live_server``)
    are cleaned up with ``flush``, which the guard refuses while the log
    has rows.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no foreign-key check still deferred in
            # the transaction: run them first, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(f"DELETE FROM {table}")
        for _name, sql in triggers:
            cursor.execute(sql)
