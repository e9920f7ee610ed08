"""Benchmark: import one customs' year of training (94,000 records), against a bulk_create floor.

    .venv/bin/python bench/import_training.py [--rows N] [--postgres postgres://user@host:port/]

Runs in a throwaway database (a temporary SQLite file, or with ``--postgres``
a fresh database on that server, dropped at the end): the unit tree of
bench/import_officers.py, 940 officers in one directly-affiliated customs
and its subordinates, and a CSV of N training records of one year (ten per
officer, as a customs' HR sends them). It times

* the import: ``records_import(kind="training", ...)`` as HR of that
  customs: reading the file, every check, scope, duplicate keys, and writing
  the records *with their history rows* (the officer-year totals and the
  figure markers are kept by the database's triggers in both runs);
* the floor: the same CSV read with the csv module, dates parsed with
  ``date.fromisoformat``, officers looked up in a dict, written with
  ``simple_history.utils.bulk_create_with_history``.

Each runs on an empty training table; the best of ``--repeat`` runs counts.
Target (issue 14): the import within 3x the floor.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_officers import (  # noqa: E402  (the same tree, runs, database)
    arguments,
    build_tree,
    import_against_floor,
    throwaway_database,
)

HEADERS = ["staff_no", "course", "start_date", "end_date", "days", "mode"]
OFFICERS = 940
YEAR = 2025


def write_training(path: Path, rows: int) -> None:
    rnd = random.Random(20250101)
    per_officer = -(-rows // OFFICERS)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        written = 0
        for n in range(OFFICERS):
            for k in range(per_officer):
                if written == rows:
                    return
                start = dt.date(YEAR, 1, 1) + dt.timedelta(days=k * 36 + rnd.randrange(0, 20))
                days = rnd.choice([1, 1, 2, 3, 5])
                mode = rnd.choice(["in_service", "in_service", "online", "full_time"])
                end = start + dt.timedelta(days=days - 1)
                writer.writerow([f"T{n:05d}", f"课程{k:02d}", start.isoformat(), end.isoformat(), days, mode])
                written += 1


def floor_load(path: Path, user) -> int:
    from simple_history.utils import bulk_create_with_history

    from personnel.models import Officer
    from training.models import TrainingRecord

    officers = dict(Officer.objects.values_list("staff_no", "pk"))
    date = dt.date.fromisoformat
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        records = [
            TrainingRecord(
                officer_id=officers[r[0]],
                course=r[1],
                start_date=date(r[2]),
                end_date=date(r[3]),
                days=Decimal(r[4]),
                mode=r[5],
            )
            for r in reader
        ]
    bulk_create_with_history(records, TrainingRecord, batch_size=2000, default_user=user)
    return len(records)


def main():
    args = arguments(__doc__, 94_000)

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-training-", dir=args.dir))
    with throwaway_database(args.postgres, workdir, "bench_training") as connection:
        from django.contrib.auth import get_user_model

        from accounts.services import grant_create
        from org.models import Unit
        from org.roles import Role
        from personnel.models import Officer
        from training.models import TrainingRecord

        _hq, codes = build_tree()
        customs = Unit.objects.get(code=codes[0])
        units = [customs, *Unit.objects.filter(parent=customs).order_by("code")]
        Officer.objects.bulk_create(
            Officer(
                staff_no=f"T{n:05d}",
                name=f"关员{n}",
                gender="M",
                birth_date=dt.date(1980, 1, 1),
                unit=units[n % len(units)],
                rank_level="clerk",
                hire_date=dt.date(2005, 1, 1),
            )
            for n in range(OFFICERS)
        )
        hr = get_user_model().objects.create_user(username="bench-hr", is_staff=True)
        grant_create(user=hr, role=Role.HR, unit=customs)
        path = workdir / "training.csv"
        write_training(path, args.rows)
        print(
            f"database: {connection.vendor}; {args.rows} training records of {OFFICERS} officers of {customs.code}; "
            f"file {path.stat().st_size / 1e6:.1f} MB",
            file=sys.stderr,
        )

        best_import, best_floor = import_against_floor(
            kind="training",
            path=path,
            user=hr,
            rows=args.rows,
            repeat=args.repeat,
            floor=floor_load,
            model=TrainingRecord,
        )
        ratio = best_import.wall / best_floor.wall
        print(
            f"database   {connection.vendor}, {args.rows} training records, load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        print(f"import     {best_import}  records_import: read, check, scope, write records + history rows")
        print(f"floor      {best_floor}  csv + bulk_create_with_history: records + history rows")
        print(f"ratio      {ratio:.2f}x wall, {best_import.cpu / best_floor.cpu:.2f}x cpu  (target <= 3x)")


if __name__ == "__main__":
    main()
