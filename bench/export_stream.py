"""Benchmark: exporting N training records, time and peak memory, against a floor.

    .venv/bin/python bench/export_stream.py [N] [--postgres URL] [--dir DIR]

Builds a unit tree, 5,000 officers and N training records (default 200,000)
in a throwaway database -- a temporary SQLite file, or with ``--postgres``
a fresh database on that server, dropped at the end -- then measures, each
in a fresh Python process (peak resident memory from
``resource.getrusage``):

* the floor: the same rows read with ``values_list(...).iterator()`` over
  the same join and order, written straight into an openpyxl write-only
  workbook -- the least any .xlsx export of these rows must do;
* the export: ``export_records training FILE.xlsx`` as the command runs it
  (``records_export_file``: the kind's scoping, formula escaping, the
  canonical values), and the same with ``--headers zh`` (Chinese headers
  and labels, dates and numbers as typed cells), and as .csv.

It prints each one's wall time, CPU time and peak memory, and the ratios
of the export's times to the floor's. Targets (issue 14): at most 1.5x the floor's
time and at most 200 MB, whatever N.
"""

from __future__ import annotations

import argparse
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

TARGET_RATIO = 1.5
TARGET_MB = 200
OFFICERS = 5_000
MODES = ["full_time", "in_service", "online"]
COURSES = [f"{topic}专题培训班" for topic in ("海关法", "关税征管", "缉私", "政治理论", "廉政教育", "风险管理", "稽查")]


# ---------------------------------------------------------------- children
def child(mode: str, path: Path) -> None:
    """One measurement, in this process: prints its result as JSON."""
    import django

    django.setup()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    if mode == "floor":
        from openpyxl import Workbook

        from training.models import TrainingRecord

        book = Workbook(write_only=True)
        sheet = book.create_sheet("training")
        sheet.append(["staff_no", "course", "start_date", "end_date", "days", "mode"])
        rows = 0
        queryset = TrainingRecord.objects.order_by("officer__staff_no", "course", "start_date").values_list(
            "officer__staff_no", "course", "start_date", "end_date", "days", "mode"
        )
        for row in queryset.iterator(chunk_size=2000):
            sheet.append(row)
            rows += 1  # noqa: SIM113 (counted as written, like the export)
        book.save(path)
    else:
        from core.importing.exporting import CHINESE, CODES
        from core.importing.services import records_export_file

        with open(path, "wb") as out:
            rows = records_export_file(
                kind="training", out=out, extension=path.suffix, mode=CHINESE if mode == "zh" else CODES
            )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "rows": rows,
                "wall": time.perf_counter() - started,
                # CPU time too: on a busy machine it is the steadier figure.
                "cpu": usage.ru_utime + usage.ru_stime - cpu_before,
                "peak_mb": usage.ru_maxrss / 1024,  # KiB on Linux
                "size_mb": path.stat().st_size / 1e6,
            }
        )
    )


def measure(mode: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True, env=os.environ.copy()
    )
    if done.returncode:
        sys.exit(f"the {mode} export to {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ parent
def build(rows: int) -> None:
    from import_officers import build_tree

    from org.models import Unit
    from personnel.models import Officer
    from training.models import TrainingRecord

    _hq, codes = build_tree()
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    officers = Officer.objects.bulk_create(
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
    rnd = random.Random(20261128)
    first = dt.date(2010, 1, 4)
    batch = []
    for n in range(rows):
        officer, nth = n % OFFICERS, n // OFFICERS
        start = first + dt.timedelta(days=nth * 20)
        span = rnd.randrange(1, 6)
        batch.append(
            TrainingRecord(
                officer=officers[officer],
                # One in a hundred courses starts like a formula: escaped on export.
                course=("=" if n % 100 == 0 else "") + COURSES[nth % len(COURSES)],
                start_date=start,
                end_date=start + dt.timedelta(days=span - 1),
                days=rnd.randrange(1, span * 2 + 1) / 2,
                mode=rnd.choice(MODES),
            )
        )
        if len(batch) == 10_000:
            TrainingRecord.objects.bulk_create(batch)
            batch = []
    TrainingRecord.objects.bulk_create(batch)


def _postgres_database(server: str) -> tuple[str, str]:
    name = f"bench_export_{os.getpid()}"
    return name, server.rstrip("/") + "/" + name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int, nargs="?", default=200_000, help="training records (default 200,000)")
    parser.add_argument("--postgres", help="server URL, e.g. postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--dir", help="folder for the temporary database and files (default: the system's)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-export-", dir=args.dir))
    database = None
    if args.postgres:
        import psycopg

        database, url = _postgres_database(args.postgres)
        with psycopg.connect(args.postgres.rstrip("/") + "/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("CONN_MAX_AGE", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        build(args.rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"built {args.rows:,} training records in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        connection.close()

        print(
            f"database   {connection.vendor}, {OFFICERS:,} officers, {args.rows:,} training records, "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        floor = measure("floor", workdir / "floor.xlsx")
        print(
            f"floor          {floor['wall']:6.1f} s wall {floor['cpu']:6.1f} s cpu  peak {floor['peak_mb']:4.0f} MB  "
            "values_list -> write-only workbook"
        )
        met = True
        for mode, name in (("codes", "export.xlsx"), ("zh", "export-zh.xlsx"), ("codes", "export.csv")):
            result = measure(mode, workdir / name)
            assert result["rows"] == floor["rows"] == args.rows, (result, floor)
            ratio, cpu_ratio = result["wall"] / floor["wall"], result["cpu"] / floor["cpu"]
            if name.endswith(".xlsx"):
                met = met and max(ratio, cpu_ratio) <= TARGET_RATIO
            met = met and result["peak_mb"] <= TARGET_MB
            print(
                f"{name:<15}{result['wall']:6.1f} s wall {result['cpu']:6.1f} s cpu  peak {result['peak_mb']:4.0f} MB  "
                f"{ratio:.2f}x the floor's wall time, {cpu_ratio:.2f}x its cpu  ({mode}, {result['size_mb']:.1f} MB)"
            )
        print(
            f"target     {'met' if met else 'MISSED'} "
            f"(.xlsx <= {TARGET_RATIO}x the floor's time; every export <= {TARGET_MB} MB)"
        )
    finally:
        connection.close()
        if database is not None:
            import psycopg

            with psycopg.connect(args.postgres.rstrip("/") + "/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
