"""Benchmark: the indicators for the whole service, against hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/indicators.py [--scale 100000] [--training 10000000] [--year 2009]

(or ``make bench-indicators``). Creates the database if it is missing,
migrates it and, when it does not yet hold a service of the asked size, loads
one: the demo service (``load_demo --scale N``, about a hundred training
records per officer), or with ``--loader copy`` the COPY loader of
bench/indicators_data.py. Either is deterministic; ten million training
records take a quarter of an hour or more to load. Then it times ``engine.compute`` for the national scope
over every implemented indicator against the raw SQL below -- the floor, what
a careful person would write by hand for the same numbers -- checks that both
give identical numbers, and prints both times, their ratio and the number of
queries. Targets: at most 2 s, and at most 3x the floor. The training
indicators' floor reads the officer-year totals, as the engine does; the
same numbers counted from the records themselves (``RECORDS_SQL``, the
definitions before the totals) must agree, and their time is printed too.

Not a test: it needs PostgreSQL and minutes of loading. Progress goes to
standard error, the result to standard output.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

TARGET_SECONDS = 2.0
TARGET_RATIO = 3.0

# The floor: one statement per indicator (the two reserve indicators share
# one), parameters by name. Scoped through the closure table like the
# engine, so they answer for any root, not only the national one.
FLOOR_SQL = {
    # Each officer's total of the year is one row of the officer-year totals
    # (training/totals.py); the year's rows are hashed once.
    "training_days_12": """
        SELECT COUNT(*) FILTER (WHERE t.tenths >= %(training_days_min)s * 10), COUNT(*)
        FROM personnel_officer o
        JOIN org_unitscope s ON s.unit_id = o.unit_id AND s.root_id = %(root)s
        LEFT JOIN training_officeryeartraining t ON t.officer_id = o.id AND t.year = %(year)s
        WHERE o.hire_date <= %(year_start)s AND (o.leave_date IS NULL OR o.leave_date >= %(year_end)s)
    """,
    "leader_fulltime_training_5y": """
        SELECT COUNT(*) FILTER (WHERE t.total >= %(leader_fulltime_days_min)s * 10), COUNT(*)
        FROM personnel_officer o
        JOIN org_unitscope s ON s.unit_id = o.unit_id AND s.root_id = %(root)s
        LEFT JOIN LATERAL (
            SELECT SUM(fulltime_tenths) AS total FROM training_officeryeartraining
            WHERE officer_id = o.id AND year BETWEEN %(window_first)s AND %(year)s
        ) t ON true
        WHERE o.is_leader AND o.rank_level IN ('division', 'bureau')
          AND o.hire_date <= %(year_end)s AND (o.leave_date IS NULL OR o.leave_date > %(year_end)s)
    """,
    "reserve": """
        SELECT COUNT(*) FILTER (WHERE leadership >= %(reserve_leadership_posts_min)s),
               COUNT(*) FILTER (WHERE grassroots >= %(reserve_grassroots_posts_min)s),
               COUNT(*)
        FROM (
            SELECT COUNT(*) FILTER (WHERE p.leadership) AS leadership,
                   COUNT(*) FILTER (WHERE p.grassroots) AS grassroots
            FROM personnel_officer o
            JOIN org_unitscope s ON s.unit_id = o.unit_id AND s.root_id = %(root)s
            LEFT JOIN personnel_posting p ON p.officer_id = o.id AND p.start_date <= %(year_end)s
            WHERE EXISTS (
                SELECT 1 FROM personnel_reservecadre c
                WHERE c.officer_id = o.id AND c.level = 'bureau' AND c.added_date <= %(year_end)s
                  AND (c.removed_date IS NULL OR c.removed_date > %(year_end)s)
            )
            GROUP BY o.id
        ) cadres
    """,
    "leadership_team_age": """
        WITH team AS (
            SELECT o.unit_id, COUNT(*) AS size,
                   COUNT(*) FILTER (WHERE o.birth_date BETWEEN %(born_from)s AND %(born_to)s) AS aged
            FROM personnel_officer o JOIN org_unit u ON u.id = o.unit_id
            WHERE u.kind IN ('direct', 'college') AND o.is_leader
              AND o.hire_date <= %(year_end)s AND (o.leave_date IS NULL OR o.leave_date > %(year_end)s)
            GROUP BY o.unit_id
        )
        SELECT COUNT(*) FILTER (WHERE 2 * team.aged > team.size), COUNT(*)
        FROM team JOIN org_unitscope s ON s.unit_id = team.unit_id AND s.root_id = %(root)s
    """,
}


# The training indicators' definitions over the records themselves, as they
# were counted before the totals: the numbers must be the same, and their
# time is the "before" of the totals.
RECORDS_SQL = {
    # Per-officer sums through the covering index training_officer_year_idx.
    "training_days_12": """
        SELECT COUNT(*) FILTER (WHERE t.total >= %(training_days_min)s), COUNT(*)
        FROM personnel_officer o
        JOIN org_unitscope s ON s.unit_id = o.unit_id AND s.root_id = %(root)s
        LEFT JOIN LATERAL (
            SELECT SUM(days) AS total FROM training_trainingrecord
            WHERE officer_id = o.id AND start_date BETWEEN %(year_start)s AND %(year_end)s
        ) t ON true
        WHERE o.hire_date <= %(year_start)s AND (o.leave_date IS NULL OR o.leave_date >= %(year_end)s)
    """,
    "leader_fulltime_training_5y": """
        SELECT COUNT(*) FILTER (WHERE t.total >= %(leader_fulltime_days_min)s), COUNT(*)
        FROM personnel_officer o
        JOIN org_unitscope s ON s.unit_id = o.unit_id AND s.root_id = %(root)s
        LEFT JOIN LATERAL (
            SELECT SUM(days) AS total FROM training_trainingrecord
            WHERE officer_id = o.id AND mode = 'full_time'
              AND start_date BETWEEN %(window_start)s AND %(year_end)s
        ) t ON true
        WHERE o.is_leader AND o.rank_level IN ('division', 'bureau')
          AND o.hire_date <= %(year_end)s AND (o.leave_date IS NULL OR o.leave_date > %(year_end)s)
    """,
}


def ensure_database(url: str) -> None:
    """Create the benchmark's database when it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("bench/indicators.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
            print(f"created database {config['NAME']}", file=sys.stderr)


def floor_numbers(cursor, params: dict, statements: dict = FLOOR_SQL) -> dict[str, tuple[int, int]]:
    out = {}
    for key, sql in statements.items():
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if key == "reserve":
            out["reserve_two_leadership_posts"] = (row[0], row[2])
            out["reserve_grassroots"] = (row[1], row[2])
        else:
            out[key] = (row[0], row[1])
    return out


def timed(fn, repeat: int):
    """(median seconds, last result) over ``repeat`` runs after one warm-up."""
    return interleaved({"only": fn}, repeat)["only"]


def interleaved(fns: dict, repeat: int) -> dict:
    """{name: (median seconds, last result)}, running the functions in turn
    so that a busy machine slows each of them alike (the ratio is what
    matters), after one warm-up run of each."""
    results = {name: fn() for name, fn in fns.items()}
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - started)
    return {name: (statistics.median(times[name]), results[name]) for name in fns}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="officers")
    parser.add_argument("--training", type=int, default=10_000_000, help="training records (COPY loader)")
    parser.add_argument("--year", type=int, default=None, help="default: the last year with training records")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--loader",
        choices=["demo", "copy"],
        default="demo",
        help="demo: manage.py load_demo --scale N (fixtures/); copy: bench/indicators_data.py",
    )
    parser.add_argument("--reload", action="store_true", help="load even if a service of this size is there")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from core import indicators as engine
    from core.indicators import born_for_age_at_year_end, year_end, year_start
    from org.models import Unit, UnitScope
    from personnel.models import Officer, Posting, ReserveCadre
    from training.models import TrainingRecord

    call_command("migrate", verbosity=0)
    officers = Officer.objects.count()
    if args.reload or officers < args.scale * 0.9:
        if args.loader == "demo":
            # load_demo creates demo accounts and so insists on DEBUG; give
            # it that in its own process, not to the process that measures.
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "load_demo", "--scale", str(args.scale), "--reset"],
                env={**os.environ, "DEBUG": "1"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        else:
            from indicators_data import load

            load(officers=args.scale, training=args.training)
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load anyway: statistics
            # for the planner and the visibility map for index-only scans.
            for model in (Unit, UnitScope, Officer, Posting, ReserveCadre, TrainingRecord):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [TrainingRecord._meta.db_table])
        training_rows = cursor.fetchone()[0]
    officers = Officer.objects.count()
    year = args.year or TrainingRecord.objects.aggregate(last=Max("start_date"))["last"].year
    print(f"service: {officers} officers, ~{training_rows} training records; year {year}", file=sys.stderr)

    thresholds = settings.TEAM_INDICATORS
    born_from, born_to = born_for_age_at_year_end(year, thresholds["team_age_low"], thresholds["team_age_high"])
    root = engine.national_root()
    params = {
        **thresholds,
        "root": root.pk,
        "year_start": year_start(year),
        "year_end": year_end(year),
        "year": year,
        "window_first": year - thresholds["leader_fulltime_window_years"] + 1,
        "window_start": year_start(year - thresholds["leader_fulltime_window_years"] + 1),
        "born_from": born_from,
        "born_to": born_to,
    }

    def run_engine(keys=None):
        # What engine.compute does, restricted to ``keys`` so that the ratio
        # compares the same work as the floor.
        if keys is None:
            figures = engine.compute(year=year, unit=None)
        else:
            roots = Unit.objects.filter(pk=engine.national_root().pk)
            figures = [
                indicator.figure(*indicator.counts(year=year, roots=roots)[root.pk])
                for indicator in engine.indicators()
                if indicator.key in keys
            ]
        return {f.key: (f.numerator, f.denominator) for f in figures}

    compared = {
        "training_days_12",
        "leader_fulltime_training_5y",
        "reserve_two_leadership_posts",
        "reserve_grassroots",
        "leadership_team_age",
    }
    with connection.cursor() as cursor:
        runs = interleaved(
            {
                "floor": lambda: floor_numbers(cursor, params),
                "records": lambda: floor_numbers(cursor, params, RECORDS_SQL),
                "engine": lambda: run_engine(compared),
                "compute": run_engine,
            },
            args.repeat,
        )
    (floor_time, floor), (records_time, by_records), (engine_time, ours), (compute_time, everything) = (
        runs["floor"],
        runs["records"],
        runs["engine"],
        runs["compute"],
    )
    with CaptureQueriesContext(connection) as ctx:
        run_engine(compared)
    with CaptureQueriesContext(connection) as all_ctx:
        run_engine()

    for indicator in engine.indicators():
        seconds, _ = timed(
            lambda indicator=indicator: indicator.counts(year=year, roots=Unit.objects.filter(pk=root.pk)), 1
        )
        numerator, denominator = everything[indicator.key]
        print(f"  {indicator.key:32} {numerator:>7} / {denominator:<7} {seconds * 1000:7.0f} ms")
    if ours != floor or any(everything[key] != floor[key] for key in floor):
        print(f"MISMATCH: engine {ours} != floor {floor}")
        return 1
    if any(by_records[key] != ours[key] for key in by_records):
        print(f"MISMATCH: the totals {ours} != the records {by_records}")
        return 1
    ratio = engine_time / floor_time
    print(f"numbers identical to the floor for: {', '.join(sorted(floor))}")
    print(f"and to the definitions over the records for: {', '.join(sorted(by_records))}")
    print(f"engine, those {len(ours)} indicators: {engine_time:.3f} s, {len(ctx.captured_queries)} queries")
    print(f"hand-written SQL floor ({len(FLOOR_SQL)} statements): {floor_time:.3f} s")
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x)")
    print(f"the {len(RECORDS_SQL)} training statements over the records instead of the totals: {records_time:.3f} s")
    print(
        f"engine.compute, all {len(everything)} implemented indicators: {compute_time:.3f} s, "
        f"{len(all_ctx.captured_queries)} queries (target <= {TARGET_SECONDS} s)"
    )
    ok = compute_time <= TARGET_SECONDS and engine_time <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
