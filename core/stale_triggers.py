"""Database triggers that mark figure snapshots stale (core/figures.py).

A counted record reaches the database by many paths: the services, the
import engine, the admin, bulk loads, a shell. A trigger on each counted
table sees them all, so no path can forget to mark. The trigger holds no
rule of any indicator: it only writes *which units and years a written row
touches* into ``core_figurestale``; what that invalidates is decided when the
marker is read. Every indicator counts records dated in year Y (or in a
window ending in Y) for the figures of Y, so a row dated Y marks "Y and
later"; a row without a year marks every year.

Each app declares its tables in its own migration with :class:`Marks` and
:func:`operation`:

* ``unit="unit_id"``: the row's own unit column;
* ``unit="officer"``: the current unit of the row's officer (``officer_id``),
  the unit every officer indicator counts them in;
* ``unit="case"``: the units of the officers a case names (``id`` is the case);
* ``unit=None``: every unit (the unit tree itself).

``year`` is a date column, an integer year column (``year_int=True``) or
None (every year). On PostgreSQL one statement-level trigger per event reads
the statement's transition tables, so a bulk insert of a million rows writes
a handful of markers; SQLite has row-level triggers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import migrations

STALE = "core_figurestale"


@dataclass(frozen=True)
class Marks:
    table: str
    unit: str | None  # "unit_id", "officer", "case" or None
    year: str | None = None
    year_int: bool = False

    @property
    def columns(self) -> list[str]:
        wanted = {"officer": ["officer_id"], "case": ["id"], None: ["id"]}.get(self.unit, [self.unit])
        return wanted + ([self.year] if self.year else [])

    def select(self, vendor: str, source: str) -> str:
        """SELECT (unit_id, from_year) for the rows of ``source`` (alias r)."""
        if self.year is None:
            year = "NULL"
        elif self.year_int:
            year = f"r.{self.year}"
        elif vendor == "postgresql":
            year = f"CAST(EXTRACT(YEAR FROM r.{self.year}) AS integer)"
        else:
            year = f"CAST(strftime('%Y', r.{self.year}) AS integer)"
        if vendor == "postgresql":
            year = f"CAST({year} AS integer)"
        null_unit = "CAST(NULL AS bigint)" if vendor == "postgresql" else "NULL"
        if self.unit is None:
            return f"SELECT {null_unit}, CAST(NULL AS integer) WHERE EXISTS (SELECT 1 FROM {source} r)"
        if self.unit == "officer":
            return (
                f"SELECT DISTINCT o.unit_id, {year} FROM {source} r "
                "LEFT JOIN personnel_officer o ON o.id = r.officer_id"
            )
        if self.unit == "case":
            return (
                f"SELECT DISTINCT o.unit_id, {year} FROM {source} r "
                "JOIN integrity_caseofficer co ON co.case_id = r.id "
                "JOIN personnel_officer o ON o.id = co.officer_id"
            )
        return f"SELECT DISTINCT r.{self.unit}, {year} FROM {source} r"

    def _name(self, suffix: str) -> str:
        return f"{self.table}_stale_{suffix}"

    def postgres_forward(self) -> list[str]:
        insert = f"INSERT INTO {STALE} (unit_id, from_year) "
        function = f"""CREATE OR REPLACE FUNCTION {self._name("mark")}() RETURNS trigger AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN {insert}{self.select("postgresql", "old_rows")}; END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN {insert}{self.select("postgresql", "new_rows")}; END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql;"""
        triggers = [
            ("ins", "INSERT", "NEW TABLE AS new_rows"),
            ("upd", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("del", "DELETE", "OLD TABLE AS old_rows"),
        ]
        return [function] + [
            f"""CREATE TRIGGER {self._name(suffix)} AFTER {event} ON {self.table}
                REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {self._name("mark")}();"""
            for suffix, event, tables in triggers
        ]

    def postgres_backward(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {self._name(s)} ON {self.table};" for s in ("ins", "upd", "del")] + [
            f"DROP FUNCTION IF EXISTS {self._name('mark')}();"
        ]

    def sqlite_forward(self) -> list[str]:
        def row(alias: str) -> str:
            return "(SELECT " + ", ".join(f"{alias}.{c} AS {c}" for c in self.columns) + ")"

        def insert(alias: str) -> str:
            return f"INSERT INTO {STALE} (unit_id, from_year) {self.select('sqlite', row(alias))};"

        return [
            f"CREATE TRIGGER {self._name('ins')} AFTER INSERT ON {self.table} BEGIN {insert('NEW')} END;",
            f"CREATE TRIGGER {self._name('upd')} AFTER UPDATE ON {self.table} "
            f"BEGIN {insert('OLD')} {insert('NEW')} END;",
            f"CREATE TRIGGER {self._name('del')} AFTER DELETE ON {self.table} BEGIN {insert('OLD')} END;",
        ]

    def sqlite_backward(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {self._name(s)};" for s in ("ins", "upd", "del")]


def _run(marks: list[Marks], forward: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"No figure-snapshot triggers for {vendor}; add them before using this database.")
        for mark in marks:
            statements = getattr(
                mark, f"{vendor if vendor == 'sqlite' else 'postgres'}_{'forward' if forward else 'backward'}"
            )()
            for statement in statements:
                schema_editor.execute(statement)

    return run


def operation(marks: list[Marks]) -> migrations.RunPython:
    """The migration operation that installs (and on reverse drops) the triggers."""
    return migrations.RunPython(_run(marks, True), _run(marks, False))
