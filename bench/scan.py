"""Time the integrity-risk scan on a loaded database: a first scan, a rescan
of the same day and the next day's rescan, against a floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf DEBUG=1 \\
        .venv/bin/python bench/scan.py [--root DIR] [--as-of YYYY-MM-DD]

Loads nothing: point it at a database that ``load_demo`` filled (its scan
left alerts at the demo year's last day). Everything runs in one
transaction that is rolled back, so the database is left as it was:

1. **floor**: the rules alone (``integrity.risk.RULES``), i.e. the SELECTs
   that find the subjects and their facts, which any scan must run;
2. **first scan**: the open and in-review alerts and their history are
   deleted, then ``scan`` raises them all again;
3. **rescan, same day**: nothing changed; ideally nothing is written;
4. **rescan, next day**: the windows move, so some facts change.

Each line prints the wall time, the ratio against the floor, the number of
queries and how many of them write (INSERT/UPDATE/DELETE). ``--root`` runs
the same measurement against another checkout of the project (e.g. main,
for "before").
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

WRITES = ("INSERT", "UPDATE", "DELETE")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--as-of", default=None, help="default: the last scan date of the alerts in the database")
    args = parser.parse_args(argv)
    sys.path.insert(0, args.root)
    os.chdir(args.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import translation

    from integrity import risk
    from integrity.models import AlertNote, RiskAlert

    translation.activate("zh-hans")
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else RiskAlert.objects.latest("as_of").as_of
    print(f"{connection.vendor} {connection.settings_dict['NAME']}, {args.root}, as of {as_of}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

    def timed(label, function, floor=None):
        # Counted by an execute wrapper: DEBUG's query log keeps the last
        # 9,000 queries only, and the per-row scan runs more.
        counts = {"queries": 0, "writes": 0}

        def count(execute, sql, params, many, context):
            counts["queries"] += 1
            counts["writes"] += sql.lstrip().upper().startswith(WRITES)
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            outcome = function()
        elapsed = time.perf_counter() - started
        ratio = f"{elapsed / floor:5.1f}× floor" if floor else "           "
        print(
            f"{label:<22} {elapsed:7.2f} s {ratio}  {counts['queries']:6d} queries, {counts['writes']:6d} writing  "
            f"{outcome}"
        )
        return elapsed

    def describe(result):
        return f"{result.created} raised, {result.updated} updated, {result.unchanged} unchanged"

    with transaction.atomic():
        active = RiskAlert.objects.filter(status__in=RiskAlert.ACTIVE)
        AlertNote.objects.filter(alert__in=active).delete()
        RiskAlert.history.filter(id__in=active.values("pk")).delete()
        deleted, _ = active.delete()
        print(f"deleted {deleted} open alerts and their history")
        floor = timed("floor: the rules", lambda: sum(len(fn(as_of)) for fn in risk.RULES.values()))
        timed("first scan", lambda: describe(risk.scan(as_of=as_of)), floor)
        timed("rescan, same day", lambda: describe(risk.scan(as_of=as_of)), floor)
        timed("rescan, next day", lambda: describe(risk.scan(as_of=as_of + dt.timedelta(days=1))), floor)
        print(f"alerts {RiskAlert.objects.count()}, history rows {RiskAlert.history.count()}")
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
