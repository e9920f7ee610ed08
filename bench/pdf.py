"""Benchmark the appraisal PDFs: one dossier (target <= 0.3 s) and a batch
of 200 dossiers, on generated data in a throwaway SQLite database (or the
database in DATABASE_URL when BENCH_USE_DATABASE_URL=1).

    .venv/bin/python bench/pdf.py [--leaders 200] [--repeat 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2009


def setup_django(db_path: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if db_path:
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(leaders: int):
    """A customs with ``leaders`` leaders, each with a career like a real
    dossier's: 3 postings, a reserve entry, 2 training records a year for 6
    years and 5 appraisals."""
    from org.models import Unit
    from org.services import unit_scope_rebuild
    from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
    from training.models import TrainingRecord

    rng = random.Random(7)
    hq = Unit.objects.create(code="B000", name="海关总署", kind="hq")
    gz = Unit.objects.create(code="B510", name="广州海关", kind="direct", parent=hq)
    subs = [
        Unit.objects.create(code=f"B51{i}", name=f"隶属海关{i}", kind="subordinate", parent=gz) for i in range(1, 6)
    ]
    unit_scope_rebuild()
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰涛明超"
    officers = Officer.objects.bulk_create(
        [
            Officer(
                staff_no=f"B{n:05d}",
                name=rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                gender=rng.choice("MF"),
                birth_date=dt.date(rng.randint(1952, 1975), rng.randint(1, 12), 1),
                unit=rng.choice([gz, *subs]),
                rank_level=rng.choice(["division", "bureau"]),
                is_leader=True,
                position="副关长",
                hire_date=dt.date(1985, 7, 1),
            )
            for n in range(leaders)
        ]
    )
    postings, reserve, training, appraisals = [], [], [], []
    for o in officers:
        for k in range(3):
            postings.append(
                Posting(
                    officer=o,
                    unit=rng.choice(subs),
                    position=f"岗位{k}",
                    start_date=dt.date(1995 + 5 * k, 1, 1),
                    leadership=k > 0,
                    grassroots=k == 0,
                )
            )
        reserve.append(ReserveCadre(officer=o, level="bureau", added_date=dt.date(2007, 1, 1)))
        for year in range(YEAR - 5, YEAR + 1):
            for k in range(2):
                days = Decimal(rng.randint(2, 15))
                start = dt.date(year, 3 + 4 * k, 1)
                training.append(
                    TrainingRecord(
                        officer=o,
                        course=f"培训班{year}-{k}",
                        start_date=start,
                        end_date=start + dt.timedelta(days=int(days) - 1),
                        days=days,
                        mode=rng.choice(["full_time", "in_service"]),
                    )
                )
        for year in range(YEAR - 4, YEAR + 1):
            appraisals.append(LeaderAppraisal(officer=o, year=year, grade=rng.choice(["excellent", "competent"])))
    Posting.objects.bulk_create(postings)
    ReserveCadre.objects.bulk_create(reserve)
    TrainingRecord.objects.bulk_create(training)
    LeaderAppraisal.objects.bulk_create(appraisals)
    return gz, officers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        use_env = os.environ.get("BENCH_USE_DATABASE_URL") == "1"
        setup_django(None if use_env else str(Path(folder) / "bench.sqlite3"))
        from django.conf import settings
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext
        from django.utils import translation

        from reports.pdf import batch, dossier
        from reports.pdf.fonts import cjk_font

        translation.activate(settings.LANGUAGE_CODE)
        t = time.perf_counter()
        gz, officers = generate(args.leaders)
        print(
            f"generated {len(officers)} leaders with careers in {time.perf_counter() - t:.1f} s ({connection.vendor})"
        )

        t = time.perf_counter()
        font = cjk_font()
        print(
            f"font: {font.path or font.name} (embedded: {font.embedded}), registered in {time.perf_counter() - t:.3f} s"
        )

        officer = officers[0]
        officer.refresh_from_db()
        t = time.perf_counter()
        with transaction.atomic():
            first = dossier.render(officer, YEAR, None)
        print(f"first dossier (cold caches): {time.perf_counter() - t:.3f} s, {len(first)} bytes")
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            # Atomic as in the view and the command: the access-log rows
            # commit with the PDF, in one transaction.
            with CaptureQueriesContext(connection) as queries, transaction.atomic():
                dossier.render(officer, YEAR, None)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        verdict = "OK" if statistics.median(times) <= 0.3 else "OVER TARGET"
        # CPU time is printed too: on a shared, loaded machine the wall
        # clock measures the neighbours as much as the code.
        print(
            f"one dossier: median {statistics.median(times):.3f} s wall ({statistics.median(cpu):.3f} s CPU), "
            f"max {max(times):.3f} s over {args.repeat} runs, {len(queries)} queries — target <= 0.3 s: {verdict}"
        )

        buffer = io.BytesIO()
        t, c = time.perf_counter(), time.process_time()
        with transaction.atomic():
            count = batch.write_zip(buffer, gz, YEAR, None)
        elapsed, cpu_total = time.perf_counter() - t, time.process_time() - c
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
            assert len(zf.namelist()) == count
        print(
            f"batch of {count} dossiers: {elapsed:.2f} s wall, {cpu_total:.2f} s CPU "
            f"({elapsed / max(count, 1):.3f} s each), "
            f"zip {len(buffer.getvalue()) / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
