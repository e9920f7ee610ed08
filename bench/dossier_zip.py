"""Benchmark the national dossier zip as a background job: the same job run
by one worker and by two (separate ``manage.py db_worker`` processes, as in
production), printing the wall time of each, the speed-up, and each
worker's peak memory; then the peak memory of a worker zipping one unit (a
fraction of the dossiers) as the floor measured in the same run. Target:
the peak does not grow with the number of dossiers (ratio near 1).

On generated data (bench/pdf.py's leaders) in a throwaway SQLite database,
or in a fresh PostgreSQL database with --postgres:

    nice -n 10 .venv/bin/python bench/dossier_zip.py --leaders 200
    .venv/bin/python bench/dossier_zip.py --leaders 100000 --postgres postgres://postgres@127.0.0.1:5432/

or on a service already loaded (``load_demo --scale 100000``), zipping the
leaders of headquarters (the national zip) and, as the floor, of the
smallest directly-affiliated customs that has leaders:

    .venv/bin/python bench/dossier_zip.py --database postgres://postgres@127.0.0.1:5432/svc100k
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

YEAR = 2009


def setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = url
    # With DEBUG on, Django keeps the last 9,000 queries of each connection
    # with their parameters, here the stored PDFs: the workers' memory would
    # measure that log, not the job.
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def loaded_service() -> tuple[str, str, int]:
    """(hq code, floor unit code, year) of a loaded service: the national
    zip and a directly-affiliated customs with the fewest leaders."""
    from org.models import Unit
    from personnel.models import LeaderAppraisal, Officer

    year = LeaderAppraisal.objects.order_by("-year").values_list("year", flat=True).first()
    hq = Unit.objects.get(kind="hq")
    counts = {
        unit.code: Officer.objects.in_unit_scope(unit).filter(is_leader=True).count()
        for unit in Unit.objects.filter(kind="direct")
    }
    floor = min((count, code) for code, count in counts.items() if count)[1]
    return hq.code, floor, year


def start(unit_code: str, owner, year: int | None = None):
    from jobs.services import job_start
    from reports.tasks import dossier_zip

    return job_start(
        task=dossier_zip,
        kind="dossier_zip",
        title=f"bench {unit_code}",
        scope=unit_code,
        params={"unit": unit_code, "year": YEAR if year is None else year},
        acting_user=owner,
    )


def run_workers(count: int) -> tuple[float, list[int]]:
    """Start ``count`` workers that work the queue empty; (wall seconds,
    peak resident memory of each in MB)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "-v0",
    ]
    began = time.perf_counter()
    processes = [subprocess.Popen([*command, "--worker-id", f"bench-{i}"], env=env) for i in range(count)]
    peaks = []
    for process in processes:
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"a worker failed with {process.returncode}")
        peaks.append(usage.ru_maxrss // 1024)  # kB on Linux
    return time.perf_counter() - began, peaks


def check(job) -> None:
    job.refresh_from_db()
    if job.status != "succeeded":
        raise SystemExit(f"the job did not succeed: {job.status} {job.error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--part-size", type=int, default=None, help="dossiers per part (JOBS_DOSSIER_PART_SIZE)")
    parser.add_argument("--postgres", default="", help="a server URL; a fresh database is made on it")
    parser.add_argument("--database", default="", help="the URL of a loaded service to zip (no data generated)")
    args = parser.parse_args()
    if args.part_size:
        os.environ["JOBS_DOSSIER_PART_SIZE"] = str(args.part_size)
    folder = tempfile.mkdtemp(prefix="bench-zip-")
    if args.database:
        url = args.database
    elif args.postgres:
        import psycopg

        name = f"bench_zip_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres.rstrip("/") + "/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        url = args.postgres.rstrip("/") + f"/{name}"
    else:
        url = f"sqlite:///{folder}/bench.sqlite3"
    setup(url)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from pdf import generate

    if args.database:
        national, unit, year = loaded_service()
    else:
        print(f"generating {args.leaders} leaders ...", flush=True)
        generate(args.leaders)
        national, unit, year = "B000", "B511", YEAR
    owner, _ = get_user_model().objects.get_or_create(
        username="bench-zip", defaults={"is_superuser": True, "is_staff": True}
    )
    part = settings.JOBS["dossier_part_size"]
    print(f"database {url.split('://')[0]}, national zip of {national} for {year}, parts of {part}", flush=True)

    from jobs.models import Job

    results = {}
    for workers in (1, 2):
        job = start(national, owner, year)
        seconds, peaks = run_workers(workers)
        check(job)
        results[workers] = (seconds, peaks, job.result_bytes)
        dossiers = Job.objects.get(pk=job.pk).total
        print(
            f"{workers} worker(s): {dossiers} dossiers in {seconds:.1f} s, "
            f"peak memory {', '.join(f'{p} MB' for p in peaks)}, "
            f"zip {job.result_bytes / 1e6:.1f} MB",
            flush=True,
        )
    unit_job = start(unit, owner, year)
    _seconds, floor = run_workers(1)
    check(unit_job)
    unit_dossiers = Job.objects.get(pk=unit_job.pk).total

    one, two = results[1][0], results[2][0]
    peak = max(results[1][1] + results[2][1])
    print(f"speed-up with two workers: {one / two:.2f}x (ideal 2.00x; {os.cpu_count()} cores)")
    print(
        f"worker peak memory: {peak} MB for {dossiers} dossiers vs {floor[0]} MB for one unit's "
        f"{unit_dossiers} (floor, same run): ratio {peak / floor[0]:.2f} (target: near 1, bounded)"
    )


if __name__ == "__main__":
    main()
