"""EXPLAIN (ANALYZE, BUFFERS) of indicators' national counts queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/explain_indicators.py [--root DIR] [--year Y] \\
        [--keys training_days_12,information_coverage] [--repeat 5] [--out FILE]

For each indicator: the SQL that ``counts`` runs for the national root
(captured from the ORM, parameters in place), its plan as PostgreSQL ran it,
and the median time of ``counts`` over ``--repeat`` runs after a warm-up.
``--root`` runs another checkout's code against the same database (main's,
say, for the "before" of a change), so both plans read the same rows. Use a
database that bench/indicators.py has loaded. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent), help="the checkout to run")
    parser.add_argument("--year", type=int, default=None, help="default: the last year with training records")
    parser.add_argument("--keys", default="training_days_12,information_coverage")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", type=int, default=1000, help="the drill-down page timed (50 rows, by figure)")
    parser.add_argument("--out", default=None, help="also write the report to this file")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(args.root).resolve()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from core import indicators as engine
    from org.models import Unit
    from training.models import TrainingRecord

    if connection.vendor != "postgresql":
        sys.exit("bench/explain_indicators.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    year = args.year or TrainingRecord.objects.aggregate(last=Max("start_date"))["last"].year
    root = engine.national_root()
    lines = [f"code: {Path(args.root).resolve()}; database: {connection.settings_dict['NAME']}; year {year}"]
    for key in args.keys.split(","):
        indicator = engine.get(key)

        def count(indicator=indicator):
            return indicator.counts(year=year, roots=Unit.objects.filter(pk=root.pk))[root.pk]

        with CaptureQueriesContext(connection) as ctx:
            figure = count()
        (sql,) = [q["sql"] for q in ctx.captured_queries]
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            count()
            times.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        lines += [
            "",
            f"== {key}: {figure[0]} / {figure[1]}; counts() median {statistics.median(times) * 1000:.0f} ms "
            f"over {args.repeat} runs (min {min(times) * 1000:.0f} ms)",
        ]
        if indicator.subject == "officer":
            # What the drill-down runs for one deep page sorted by the figure.
            start = (args.page - 1) * 50
            members = indicator.members(year=year, root=root).order_by("figure", "staff_no")

            def page(members=members, start=start):
                return list(members.values("staff_no", "figure", "meets")[start : start + 50])

            page()
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                page()
                times.append(time.perf_counter() - started)
            lines.append(f"   drill-down page {args.page} by figure: median {statistics.median(times) * 1000:.0f} ms")
        lines += [sql, *plan]
    lines.append(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.out:
        Path(args.out).write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
