"""Benchmark: peak memory of importing 1,000,000 training records.

    .venv/bin/python bench/import_memory.py [--rows N] [--xlsx-rows N] [--dir DIR]

Runs in a throwaway SQLite database (a temporary folder, removed at the
end). It builds a unit tree and 5,000 officers, writes N training records
for them (200 an officer) as a .csv file and ``--xlsx-rows`` of them as an
.xlsx workbook (openpyxl's write-only mode), and for each file runs, each in
a fresh Python process:

* the floor: Django set up and every row of the file read through
  ``core.importing.files.read_table``, nothing kept -- the least any
  import of the file must hold;
* the import: ``records_import(kind="training", ...)`` as an HR user with a
  grant on hq: every check, scope, and the records written with their
  history rows in one transaction.

It prints each process's peak resident memory (``ru_maxrss``) and wall
time. Target (the issue): the import's peak stays under 600 MB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_officers import empty_with_history  # noqa: E402  (the same plain DELETEs)

TARGET_MB = 600
OFFICERS = 5_000
HEADERS = ["staff_no", "course", "start_date", "end_date", "days", "mode"]
COURSES = [
    f"{topic}专题培训班"
    for topic in (
        "海关法",
        "关税征管",
        "检验检疫",
        "缉私",
        "政治理论",
        "廉政教育",
        "统计分析",
        "风险管理",
        "稽查",
        "加工贸易",
        "知识产权",
        "口岸管理",
        "信息化",
        "财务",
        "审计",
        "人事",
    )
]
MODES = ["full_time", "in_service", "online"]


def training_rows(rows: int):
    """``rows`` training records: 200 per officer, a course every 20 days."""
    rnd = random.Random(20260101)
    first = dt.date(2010, 1, 4)
    for n in range(rows):
        officer, nth = divmod(n, 200)
        start = first + dt.timedelta(days=nth * 20)
        span = rnd.randrange(1, 6)
        yield [
            f"M{officer % OFFICERS:06d}",
            COURSES[nth % len(COURSES)],
            start.isoformat(),
            (start + dt.timedelta(days=span - 1)).isoformat(),
            str(rnd.randrange(1, span * 2 + 1) / 2),
            rnd.choice(MODES),
        ]


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(training_rows(rows))


def write_xlsx(path: Path, rows: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for row in training_rows(rows):
        sheet.append(row)
    book.save(path)


# ---------------------------------------------------------------- children
def child(mode: str, path: Path) -> None:
    """One measurement, in this process: prints its peak memory as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from core.importing import records_import
    from core.importing.files import read_table

    started = time.perf_counter()
    if mode == "read":
        rows = sum(1 for _row in read_table(path, path.name).rows)
        result = {"rows": rows}
    else:
        hr = get_user_model().objects.get(username="bench-hr")
        outcome = records_import(kind="training", dataset_or_file=path, file_name=path.name, acting_user=hr)
        result = {
            "rows": outcome.rows,
            "created": outcome.created,
            "problems": [str(problem) for problem in outcome.problems[:5]],
        }
    result["wall"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps(result))


def measure(mode: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True, env=os.environ.copy()
    )
    if done.returncode:
        sys.exit(f"the {mode} of {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ parent
def build() -> None:
    from django.contrib.auth import get_user_model
    from import_officers import build_tree

    from accounts.services import grant_create
    from org.models import Unit
    from org.roles import Role
    from personnel.models import Officer

    hq, codes = build_tree()
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    Officer.objects.bulk_create(
        [
            Officer(
                staff_no=f"M{n:06d}",
                name=f"关员{n}",
                gender="MF"[n % 2],
                birth_date=dt.date(1980, 1, 1),
                unit=units[codes[n % len(codes)]],
                rank_level="clerk",
                hire_date=dt.date(2003, 7, 1),
            )
            for n in range(OFFICERS)
        ],
        batch_size=2000,
    )
    hr = get_user_model().objects.create_user(username="bench-hr", is_staff=True)
    grant_create(user=hr, role=Role.HR, unit=hq)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the .csv file")
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000, help="rows of the .xlsx file (0: none)")
    parser.add_argument("--dir", help="folder for the temporary database and files (default: the system's)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-memory-", dir=args.dir))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("CONN_MAX_AGE", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from training.models import TrainingRecord

    try:
        call_command("migrate", verbosity=0)
        build()
        files = []
        started = time.perf_counter()
        path = workdir / "training.csv"
        write_csv(path, args.rows)
        files.append((path, args.rows))
        if args.xlsx_rows:
            path = workdir / "training.xlsx"
            write_xlsx(path, args.xlsx_rows)
            files.append((path, args.xlsx_rows))
        print(
            f"files written in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p, _n in files),
            file=sys.stderr,
        )
        connection.close()

        print(
            f"database   sqlite, {OFFICERS} officers, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        met = True
        for path, rows in files:
            empty_with_history(TrainingRecord)
            connection.close()
            floor = measure("read", path)
            imported = measure("import", path)
            assert floor["rows"] == imported["rows"] == imported["created"] == rows, (floor, imported)
            assert TrainingRecord.objects.count() == TrainingRecord.history.count() == rows
            connection.close()
            met = met and imported["peak_mb"] < TARGET_MB
            size = path.stat().st_size / 1e6
            print(f"{path.suffix[1:]:<5} {rows} rows, {size:.1f} MB")
            print(f"  floor    peak {floor['peak_mb']:6.0f} MB  {floor['wall']:7.1f} s  read every row, keep none")
            print(
                f"  import   peak {imported['peak_mb']:6.0f} MB  {imported['wall']:7.1f} s  "
                f"check, scope, write records + history"
            )
            print(
                f"  ratio    {imported['peak_mb'] / floor['peak_mb']:.2f}x the floor's memory, "
                f"{imported['wall'] / floor['wall']:.1f}x its time"
            )
        print(f"target     {'met' if met else 'MISSED'} (import peak < {TARGET_MB} MB)")
    finally:
        connection.close()
        for child_path in workdir.iterdir():
            child_path.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
