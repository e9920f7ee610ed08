"""Officer-year training totals (``OfficerYearTraining``), kept by database
triggers on the training records.

Training records reach the database by many paths: the services, the import
engine's bulk writes, the admin, queryset ``update`` and ``delete``,
``bulk_create``, bulk loads with COPY, a shell with raw SQL. A trigger on
``training_trainingrecord`` sees them all, as the figure-snapshot markers do
(core/stale_triggers.py), so no path can leave the totals behind.

What a written row contributes to its (officer, year of ``start_date``):
one record, its days in tenths (``days`` has one decimal place, so
``days * 10`` is a whole number) and the same tenths again as full-time days
when its ``mode`` is full-time (what ``leader_fulltime_training_5y``
counts). An INSERT adds the new rows, a DELETE subtracts the old ones and an
UPDATE does both, so a record whose officer, start date (year), days or mode
changes moves from one total to the other. A total whose record count falls
to zero is deleted: a row exists exactly while the officer has records
starting in that year, which ``information_coverage`` relies on.

PostgreSQL: one statement-level trigger per event over the transition
tables. The statement's rows are added up per (officer, year) first, then
applied with one ``INSERT ... ON CONFLICT DO UPDATE`` (in key order, so two
bulk writers lock the totals in the same order), then the totals that fell
to zero are deleted; an UPDATE that changes none of the counted columns nets
to zero and writes nothing. TRUNCATE empties the totals too. SQLite has
row-level triggers only; its UPDATE trigger fires on the counted columns.
"""

from __future__ import annotations

from django.db import migrations

TABLE = "training_officeryeartraining"
RECORDS = "training_trainingrecord"
FULL_TIME = "full_time"  # TrainingRecord.Mode.FULL_TIME, spelled out for migrations
COLUMNS = "officer_id, year, records, tenths, fulltime_tenths"


def _terms(vendor: str, row: str = "") -> tuple[str, str, str]:
    """SQL for one record's (year, tenths, full-time tenths); ``row``
    prefixes its columns ("NEW.", "OLD.")."""
    if vendor == "postgresql":
        year = f"CAST(EXTRACT(YEAR FROM {row}start_date) AS integer)"
        tenths = f"CAST({row}days * 10 AS integer)"
    else:
        year = f"CAST(strftime('%Y', {row}start_date) AS integer)"
        # days is stored as a float on SQLite; its tenths are whole numbers.
        tenths = f"CAST(ROUND({row}days * 10) AS integer)"
    return year, tenths, f"(CASE WHEN {row}mode = '{FULL_TIME}' THEN {tenths} ELSE 0 END)"


def _contribution(vendor: str, source: str, sign: str = "") -> str:
    """SELECT (officer, year, records, tenths, full-time tenths) of each row
    of ``source``, signed: "" adds, "-" subtracts."""
    year, tenths, fulltime = _terms(vendor)
    return (
        f"SELECT officer_id, {year} AS year, {sign}1 AS records, {sign}{tenths} AS tenths, "
        f"{sign}{fulltime} AS fulltime_tenths FROM {source}"
    )


def _postgres_apply(*, added: str | None = None, subtracted: str | None = None) -> str:
    """plpgsql: add the rows of transition table ``added`` to the totals and
    subtract those of ``subtracted``, then delete the totals that fell to
    zero."""
    parts = []
    if added:
        parts.append(_contribution("postgresql", added))
    if subtracted:
        parts.append(_contribution("postgresql", subtracted, "-"))
    upsert = (
        f"INSERT INTO {TABLE} AS t ({COLUMNS}) "
        "SELECT officer_id, year, SUM(records), SUM(tenths), SUM(fulltime_tenths) "
        f"FROM ({' UNION ALL '.join(parts)}) d GROUP BY officer_id, year "
        "HAVING SUM(records) <> 0 OR SUM(tenths) <> 0 OR SUM(fulltime_tenths) <> 0 "
        "ORDER BY officer_id, year "
        "ON CONFLICT (officer_id, year) DO UPDATE SET records = t.records + EXCLUDED.records, "
        "tenths = t.tenths + EXCLUDED.tenths, fulltime_tenths = t.fulltime_tenths + EXCLUDED.fulltime_tenths;"
    )
    if not subtracted:
        return upsert
    # Only totals that lost records can fall to zero.
    year, _tenths, _fulltime = _terms("postgresql")
    return upsert + (
        f" DELETE FROM {TABLE} t USING (SELECT DISTINCT officer_id, {year} AS year FROM {subtracted}) k "
        "WHERE t.officer_id = k.officer_id AND t.year = k.year AND t.records <= 0;"
    )


def postgres_forward() -> list[str]:
    function = f"""CREATE OR REPLACE FUNCTION {TABLE}_apply() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN {_postgres_apply(added="new_rows")}
            ELSIF TG_OP = 'UPDATE' THEN {_postgres_apply(added="new_rows", subtracted="old_rows")}
            ELSE {_postgres_apply(subtracted="old_rows")}
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql;"""
    # DELETE, not TRUNCATE: a TRUNCATE naming both tables (a flush, a
    # cascade from the officers) still has the totals open here.
    truncate = f"""CREATE OR REPLACE FUNCTION {TABLE}_empty() RETURNS trigger AS $$
        BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$ LANGUAGE plpgsql;"""
    events = [
        ("ins", "INSERT", "NEW TABLE AS new_rows"),
        ("upd", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("del", "DELETE", "OLD TABLE AS old_rows"),
    ]
    return [
        function,
        truncate,
        *(
            f"""CREATE TRIGGER {TABLE}_{suffix} AFTER {event} ON {RECORDS}
                REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_apply();"""
            for suffix, event, tables in events
        ),
        f"""CREATE TRIGGER {TABLE}_trunc AFTER TRUNCATE ON {RECORDS}
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_empty();""",
    ]


def postgres_backward() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {TABLE}_{s} ON {RECORDS};" for s in ("ins", "upd", "del", "trunc")] + [
        f"DROP FUNCTION IF EXISTS {TABLE}_apply();",
        f"DROP FUNCTION IF EXISTS {TABLE}_empty();",
    ]


def _sqlite_add(row: str) -> str:
    year, tenths, fulltime = _terms("sqlite", row)
    return (
        f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ({row}officer_id, {year}, 1, {tenths}, {fulltime}) "
        "ON CONFLICT (officer_id, year) DO UPDATE SET records = records + excluded.records, "
        "tenths = tenths + excluded.tenths, fulltime_tenths = fulltime_tenths + excluded.fulltime_tenths;"
    )


def _sqlite_subtract(row: str) -> str:
    year, tenths, fulltime = _terms("sqlite", row)
    match = f"officer_id = {row}officer_id AND year = {year}"
    return (
        f"UPDATE {TABLE} SET records = records - 1, tenths = tenths - {tenths}, "
        f"fulltime_tenths = fulltime_tenths - {fulltime} WHERE {match}; "
        f"DELETE FROM {TABLE} WHERE {match} AND records <= 0;"
    )


def sqlite_forward() -> list[str]:
    counted = "officer_id, start_date, days, mode"
    return [
        f"CREATE TRIGGER {TABLE}_ins AFTER INSERT ON {RECORDS} BEGIN {_sqlite_add('NEW.')} END;",
        f"CREATE TRIGGER {TABLE}_upd AFTER UPDATE OF {counted} ON {RECORDS} "
        f"BEGIN {_sqlite_subtract('OLD.')} {_sqlite_add('NEW.')} END;",
        f"CREATE TRIGGER {TABLE}_del AFTER DELETE ON {RECORDS} BEGIN {_sqlite_subtract('OLD.')} END;",
    ]


def sqlite_backward() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {TABLE}_{s};" for s in ("ins", "upd", "del")]


def fill_sql(vendor: str) -> str:
    """Every officer-year's totals from the records as they stand: one
    grouped INSERT ... SELECT."""
    return (
        f"INSERT INTO {TABLE} ({COLUMNS}) "
        "SELECT officer_id, year, SUM(records), SUM(tenths), SUM(fulltime_tenths) "
        f"FROM ({_contribution(vendor, RECORDS)}) r GROUP BY officer_id, year"
    )


def _run(forward: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"No training-total triggers for {vendor}; add them before using this database.")
        statements = {
            ("postgresql", True): postgres_forward,
            ("postgresql", False): postgres_backward,
            ("sqlite", True): sqlite_forward,
            ("sqlite", False): sqlite_backward,
        }[vendor, forward]()
        for statement in statements:
            schema_editor.execute(statement)
        if forward:
            # The triggers are in place before the totals are filled, in one
            # transaction: CREATE TRIGGER locks the records against writes
            # until the migration commits, so none is missed or counted twice.
            if vendor == "postgresql":
                # One grouped row per officer and year (a million for ten
                # million records): hashed in memory, not spilled to disk.
                schema_editor.execute("SET LOCAL work_mem = '256MB'")
            schema_editor.execute(fill_sql(vendor))

    return run


def operation() -> migrations.RunPython:
    """The migration operation that installs the triggers and fills the
    totals (and on reverse drops the triggers)."""
    return migrations.RunPython(_run(True), _run(False))
