"""Time the pages of issue 14's table in one process, on a loaded database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf DEBUG=1 \\
        .venv/bin/python bench/pages.py [--root DIR] [--repeat 5]

Loads nothing: point it at a database that ``load_demo`` filled. Each page
is asked once cold (the first reader after the load), then ``--repeat``
times warm; the median warm time, the query count, and the ratio against
the floor page (``/accounts/password_change/``, measured in the same run)
are printed with the load average. ``--root`` runs the same measurement
against another checkout of the project (e.g. main, for "before").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, args.root)
    os.chdir(args.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from personnel.models import Officer
    from training.models import TrainingRecord

    year = args.year or TrainingRecord.objects.latest("start_date").start_date.year
    staff_no = Officer.objects.filter(unit__code__startswith="51").order_by("pk").values_list("staff_no", flat=True)[0]
    users = {name: get_user_model().objects.get(username=name) for name in ("admin", "leader", "hr")}
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
    ]
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)

    def timed(client, url):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        return elapsed, len(ctx.captured_queries)

    print(f"{connection.vendor} {connection.settings_dict['NAME']}, {args.root}, year {year}")
    floor = None
    for label, who, url in pages:
        cold, _queries = timed(clients[who], url)
        warm = [timed(clients[who], url) for _ in range(args.repeat)]
        median = statistics.median(t for t, _q in warm)
        floor = floor or median
        load = os.getloadavg()
        print(
            f"{label:<40} cold {cold:7.3f} s  warm {median:7.3f} s ({warm[-1][1]:>3} queries)  "
            f"{median / floor:7.1f}x floor  load avg {load[0]:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
