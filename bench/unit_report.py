"""Time the unit report PDF at hq on a loaded database, against the floor page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf DEBUG=1 \\
        .venv/bin/python bench/unit_report.py [--root DIR] [--repeat 3] [--reader leader]

Loads nothing: point it at a database that ``load_demo`` filled. The floor
is ``/accounts/password_change/`` (as in bench/pages.py); the report is
``/reports/units/<hq>/report.pdf`` for the demo account ``--reader``, asked
once cold and ``--repeat`` times warm. Then the report's parts are timed
one by one for the same reader (the figures, the breakdown, the leadership
teams, the gap lists, laying out the PDF), so that what is left is visible.
``--root`` runs the same measurement against another checkout of the
project (e.g. main, for "before").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from pages import django_at, timed_get  # (the same set-up and timed request as bench/pages.py)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--reader", default="leader")
    args = parser.parse_args(argv)
    django_at(args.root)
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from org.models import Unit
    from reports.pdf import layout, unit_report
    from reports.pdf.common import furniture
    from training.models import TrainingRecord

    year = args.year or TrainingRecord.objects.latest("start_date").start_date.year
    hq = Unit.objects.get(kind=Unit.Kind.HQ)
    reader = get_user_model().objects.get(username=args.reader)
    client = Client()
    client.force_login(reader)

    def timed(url):
        elapsed, cpu, queries = timed_get(client, url)
        return elapsed, len(queries), cpu

    print(f"{connection.vendor} {connection.settings_dict['NAME']}, {args.root}, year {year}, reader {args.reader}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    floor = None
    for label, url in [
        ("floor: password change page", "/accounts/password_change/"),
        ("unit report at hq", f"/reports/units/{hq.code}/report.pdf?year={year}"),
    ]:
        cold, _queries, _cpu = timed(url)
        warm = [timed(url) for _ in range(args.repeat)]
        median = statistics.median(t for t, _q, _c in warm)
        # CPU time of this process too: on a shared, loaded machine the wall
        # clock measures the neighbours as much as the code.
        cpu = statistics.median(c for _t, _q, c in warm)
        floor = floor or median
        print(
            f"{label:<30} cold {cold:7.3f} s  warm {median:7.3f} s, {cpu:6.3f} s CPU ({warm[-1][1]:>3} queries)  "
            f"{median / floor:7.1f}x floor"
        )

    # The parts, for the same reader, in the web request's transaction.
    translation.activate("zh-hans")
    with transaction.atomic():
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            r = unit_report.collect(hq, year, reader)
        collected = time.perf_counter() - started
        started = time.perf_counter()
        pdf = layout.render(unit_report.story(r), title="bench", author="bench", furniture=furniture("bench", reader))
        laid_out = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"collect {collected:.3f} s ({len(ctx.captured_queries)} queries), layout {laid_out:.3f} s, {len(pdf)} bytes")
    slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
    for q in slowest:
        print(f"  {float(q['time']):6.3f} s  {q['sql'][:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
