"""Benchmark: import 100,000 officers, against a bulk_create floor.

    .venv/bin/python bench/import_officers.py [--rows N] [--postgres postgres://user@host:port/]

Runs in a throwaway database: a temporary SQLite file (default), or with
``--postgres`` a fresh database created on that server and dropped at the
end. It builds a small unit tree, writes N officers to a CSV file, and times

* the import: ``records_import(kind="officers", ...)`` as an HR user with a
  grant on hq, i.e. reading the file, every check, scope, and writing the
  officers *with their history rows*;
* the floor: the same CSV read with the csv module, dates parsed with
  ``date.fromisoformat``, units looked up in a dict, and written with
  ``simple_history.utils.bulk_create_with_history`` -- the least any loader
  that also keeps history must do.

Each is run on an empty officer table; the best of ``--repeat`` runs counts.
Targets (the issue): import <= 60 s and <= 5x the floor.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = [
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "unit_code",
    "rank_level",
    "is_leader",
    "position",
    "hire_date",
    "leave_date",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


class Clock:
    """Wall time, and this process's CPU time (on SQLite all of the work;
    on PostgreSQL the server's share is only in the wall time)."""

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu

    def __str__(self):
        return f"{self.wall:6.2f} s wall ({self.cpu:6.2f} s cpu)"


def write_officers(path: Path, rows: int, unit_codes: list[str]) -> None:
    rnd = random.Random(20090101)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(rows):
            birth = dt.date(1965, 1, 1) + dt.timedelta(days=rnd.randrange(0, 30 * 365))
            hire = birth + dt.timedelta(days=rnd.randrange(22 * 365, 23 * 365))
            left = hire + dt.timedelta(days=rnd.randrange(365, 3650)) if rnd.random() < 0.05 else None
            writer.writerow(
                [
                    f"B{n:07d}",
                    rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN),
                    rnd.choice("MF"),
                    birth.isoformat(),
                    rnd.choice(unit_codes),
                    rnd.choice(["clerk", "clerk", "section", "section", "division", "bureau"]),
                    "true" if rnd.random() < 0.05 else "false",
                    "科员",
                    hire.isoformat(),
                    left.isoformat() if left else "",
                ]
            )


def floor_load(path: Path, user) -> int:
    from simple_history.utils import bulk_create_with_history

    from org.models import Unit
    from personnel.models import Officer

    units = dict(Unit.objects.values_list("code", "pk"))
    date = dt.date.fromisoformat
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        officers = [
            Officer(
                staff_no=r[0],
                name=r[1],
                gender=r[2],
                birth_date=date(r[3]),
                unit_id=units[r[4]],
                rank_level=r[5],
                is_leader=r[6] == "true",
                position=r[7],
                hire_date=date(r[8]),
                leave_date=date(r[9]) if r[9] else None,
            )
            for r in reader
        ]
    bulk_create_with_history(officers, Officer, batch_size=2000, default_user=user)
    return len(officers)


def empty_with_history(model):
    """Delete every row of ``model`` and of its history, as plain DELETEs:
    the ORM's delete() would write a history row per record."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (model, model.history.model):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table._meta.db_table)}")


def build_tree():
    from org.models import Unit
    from org.services import unit_scope_rebuild

    K = Unit.Kind
    hq = Unit.objects.create(code="0000", name="海关总署", kind=K.HQ)
    office = Unit.objects.create(code="9100", name="广东分署", kind=K.SUPERVISORY_OFFICE, parent=hq)
    codes = []
    for n in range(40):
        direct = Unit.objects.create(
            code=f"{5100 + n * 100}",
            name=f"直属海关{n}",
            kind=K.DIRECT,
            parent=hq,
            supervisory_office=office if n < 8 else None,
        )
        codes.append(direct.code)
        for m in range(1, 4):
            sub = Unit.objects.create(
                code=f"{5100 + n * 100 + m}", name=f"隶属海关{n}-{m}", kind=K.SUBORDINATE, parent=direct
            )
            codes.append(sub.code)
    unit_scope_rebuild()
    return hq, codes


@contextlib.contextmanager
def throwaway_database(postgres: str | None, workdir: Path, name: str):
    """Django set up on a fresh, migrated database: a new PostgreSQL
    database ``name``_<random> on the ``postgres`` server, or a SQLite file
    in ``workdir``. Yields the connection; at the end the database is
    dropped and ``workdir`` emptied and removed."""
    pg_name = None
    if postgres:
        import psycopg

        pg_name = f"{name}_{uuid.uuid4().hex[:8]}"
        server = postgres.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = f"{server}/{pg_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("CONN_MAX_AGE", "0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        yield connection
    finally:
        connection.close()
        if pg_name:
            import psycopg

            with psycopg.connect(f"{postgres.rstrip('/')}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
        for child in workdir.iterdir():
            child.unlink()
        workdir.rmdir()


def arguments(doc: str, rows: int) -> argparse.Namespace:
    """The options every import benchmark takes: rows, repeats, the server, the folder."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--postgres", help="server URL, e.g. postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--dir", help="folder for the temporary SQLite file and CSV (default: the system's)")
    return parser.parse_args()


def import_against_floor(*, kind, path, user, rows, repeat, floor, model) -> tuple[Clock, Clock]:
    """Import ``path`` as ``kind`` and load it through ``floor``, ``repeat``
    times each, every time into an empty table of ``model`` and its history;
    both must write ``rows`` records with their history. The best of each by
    wall time."""
    from core.importing import records_import

    import_times, floor_times = [], []
    for attempt in range(repeat):
        empty_with_history(model)
        with Clock() as clock:
            outcome = records_import(
                kind=kind, dataset_or_file=path, file_name=path.name, acting_user=user, dry_run=False
            )
        import_times.append(clock)
        assert outcome.succeeded and outcome.created == rows, outcome.problems[:5]
        assert model.history.filter(history_user=user).count() == rows

        empty_with_history(model)
        with Clock() as clock:
            loaded = floor(path, user)
        floor_times.append(clock)
        assert loaded == rows and model.history.count() == rows
        print(f"run {attempt + 1}: import {import_times[-1]}, floor {floor_times[-1]}", file=sys.stderr)
    return min(import_times, key=lambda c: c.wall), min(floor_times, key=lambda c: c.wall)


def main():
    args = arguments(__doc__, 100_000)

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-", dir=args.dir))
    with throwaway_database(args.postgres, workdir, "bench_import") as connection:
        from django.contrib.auth import get_user_model

        from accounts.services import grant_create
        from core.importing import records_import
        from org.roles import Role
        from personnel.models import Officer

        hq, codes = build_tree()
        hr = get_user_model().objects.create_user(username="bench-hr", is_staff=True)
        grant_create(user=hr, role=Role.HR, unit=hq)
        path = workdir / "officers.csv"
        write_officers(path, args.rows, codes)
        print(
            f"database: {connection.vendor}; {args.rows} officers in {len(codes)} units; "
            f"file {path.stat().st_size / 1e6:.1f} MB",
            file=sys.stderr,
        )

        best_import, best_floor = import_against_floor(
            kind="officers",
            path=path,
            user=hr,
            rows=args.rows,
            repeat=args.repeat,
            floor=floor_load,
            model=Officer,
        )

        empty_with_history(Officer)
        records_import(kind="officers", dataset_or_file=path, file_name=path.name, acting_user=hr)
        with Clock() as reimport:
            again = records_import(kind="officers", dataset_or_file=path, file_name=path.name, acting_user=hr)
        assert again.unchanged == args.rows and again.created == again.updated == 0

        ratio = best_import.wall / best_floor.wall
        print(
            f"database   {connection.vendor}, {args.rows} officers, load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores"
        )
        print(f"import     {best_import}  records_import: read, check, scope, write officers + history rows")
        print(f"floor      {best_floor}  csv + bulk_create_with_history: officers + history rows")
        print(f"ratio      {ratio:.2f}x wall, {best_import.cpu / best_floor.cpu:.2f}x cpu  (target <= 5x)")
        print(f"re-import  {reimport}  the same file again: {again.unchanged} unchanged")
        print(
            f"targets    {'met' if best_import.wall <= 60 and ratio <= 5 else 'MISSED'} "
            f"(import <= 60 s wall and <= 5x the floor)"
        )


if __name__ == "__main__":
    main()
