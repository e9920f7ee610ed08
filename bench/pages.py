"""Time the pages of issue 14's table in one process, on a loaded database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf DEBUG=1 \\
        .venv/bin/python bench/pages.py [--root DIR] [--repeat 5]

Loads nothing: point it at a database that ``load_demo`` filled. Each page
is asked once cold (the first reader after the load), then ``--repeat``
times warm; the median warm time, the query count and the time the last
warm request spent in SQL, and the ratio against
the floor page (``/accounts/password_change/``, measured in the same run)
are printed with the load average. ``--root`` runs the same measurement
against another checkout of the project (e.g. main, for "before").
``--explain`` prints, for each page, the plan (EXPLAIN ANALYZE) of its
slowest query on the last warm request. ``--only WORD`` keeps the pages
whose label contains WORD (the floor page is always measured).

The deep drill-down page is page 200 of the national ``training_days_12``
list (rows 9,951-10,000), asked with the address its "next" link carries:
``page=200&after=<the last row of page 199>``; a checkout that pages by
offset reads ``page`` and ignores ``after``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote


def django_at(root: str) -> None:
    """Set Django up from the checkout at ``root`` with the deployment's
    settings, answering the test client's host."""
    sys.path.insert(0, root)
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def timed_get(client, url) -> tuple[float, float, list]:
    """GET ``url``: its wall and CPU seconds and the queries it ran. An
    answer other than 200 ends the run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed, cpu, ctx.captured_queries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args(argv)
    django_at(args.root)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from core import indicators as engine
    from dashboard import selectors
    from org.access import Access
    from org.models import Unit
    from personnel.models import Officer
    from training.models import TrainingRecord

    year = args.year or TrainingRecord.objects.latest("start_date").start_date.year
    first = Officer.objects.filter(unit__code__startswith="51").order_by("pk")
    staff_no, officer_name = first.values_list("staff_no", "name")[0]
    users = {name: get_user_model().objects.get(username=name) for name in ("admin", "leader", "hr")}
    deep = 200
    drill = selectors.drill_down(
        Access(users["leader"]), indicator=engine.get("training_days_12"), unit=Unit.objects.get(code="0000"), year=year
    )
    after = drill.rows[(deep - 1) * 50 - 1]["pk"]
    pages = [
        ("floor: password change page", "leader", "/accounts/password_change/"),
        ("leader: national dashboard", "leader", f"/?unit=0000&year={year}"),
        ("hr: dashboard of 5100", "hr", f"/?unit=5100&year={year}"),
        ("leader: drill-down training_days_12", "leader", f"/indicators/training_days_12/?unit=0000&year={year}"),
        (
            "leader: drill-down, missing only",
            "leader",
            f"/indicators/training_days_12/?unit=0000&year={year}&missing=1",
        ),
        ("superuser: training list", "admin", "/admin/training/trainingrecord/"),
        ("hr: training list", "hr", "/admin/training/trainingrecord/"),
        ("superuser: training list, staff no", "admin", f"/admin/training/trainingrecord/?q={staff_no}"),
        ("hr: training list, staff no", "hr", f"/admin/training/trainingrecord/?q={staff_no}"),
        ("superuser: training list, name", "admin", f"/admin/training/trainingrecord/?q={quote(officer_name)}"),
        ("hr: training list, name", "hr", f"/admin/training/trainingrecord/?q={quote(officer_name)}"),
        ("superuser: training list, a year", "admin", f"/admin/training/trainingrecord/?start_date__year={year}"),
        ("hr: training list, a year", "hr", f"/admin/training/trainingrecord/?start_date__year={year}"),
        ("hr: officer list", "hr", "/admin/personnel/officer/"),
        ("hr: officer list, name", "hr", f"/admin/personnel/officer/?q={quote(officer_name)}"),
        (
            f"leader: drill-down, page {deep}",
            "leader",
            f"/indicators/training_days_12/?unit=0000&year={year}&page={deep}&after={after}",
        ),
    ]
    pages = [page for page in pages if page is pages[0] or not args.only or any(w in page[0] for w in args.only)]
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)

    def timed(client, url):
        elapsed, _cpu, queries = timed_get(client, url)
        timed.last = queries
        timed.sql = sum(float(q["time"]) for q in queries)
        return elapsed, len(queries)

    def explain(queries):
        slowest = max(queries, key=lambda q: float(q["time"]))
        print(f"    slowest query {float(slowest['time']):.3f} s: {slowest['sql'][:300]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            for (line,) in cursor.fetchall():
                print("    " + line)

    print(f"{connection.vendor} {connection.settings_dict['NAME']}, {args.root}, year {year}")
    floor = None
    for label, who, url in pages:
        cold, _queries = timed(clients[who], url)
        warm = [timed(clients[who], url) for _ in range(args.repeat)]
        median = statistics.median(t for t, _q in warm)
        floor = floor or median
        load = os.getloadavg()
        print(
            f"{label:<40} cold {cold:7.3f} s  warm {median:7.3f} s ({warm[-1][1]:>3} queries, {timed.sql:5.3f} s SQL)  "
            f"{median / floor:7.1f}x floor  load avg {load[0]:.2f}"
        )
        if args.explain and connection.vendor == "postgresql" and label != pages[0][0]:
            explain(timed.last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
