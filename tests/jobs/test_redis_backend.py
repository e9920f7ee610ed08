"""The same jobs on the Redis backend (django-tasks-rq), run by an RQ worker
in the test process. Redis is at 127.0.0.1:6379 on the development and CI
machines; outside CI the module is skipped when Redis does not answer,
under CI (CI=true) it runs and fails without it (.ci/run starts Redis)."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
import redis
from django.test import override_settings

from jobs.models import Job

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


pytestmark = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not _redis_answers(),
    reason="Redis does not answer at 127.0.0.1:6379 (required under CI)",
)

RQ_SETTINGS = {
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    "RQ_QUEUES": {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}},
    "JOBS": {"result_days": 7, "import_rows_threshold": 20000, "dossier_part_size": 2, "chunk_bytes": 4096},
}


@pytest.fixture
def rq_queue():
    import django_rq
    from django_tasks_rq.backend import Job as RQJob

    with override_settings(**RQ_SETTINGS):
        queue = django_rq.get_queue("default", job_class=RQJob)
        queue.empty()
        yield queue
        queue.empty()


def work(queue, capture) -> int:
    """Run the queue empty with an RQ worker that does not fork (it shares
    the test's database connection); tasks queued by tasks run too."""
    from rq import SimpleWorker

    runs = 0
    while queue.count:
        with capture(execute=True):
            SimpleWorker([queue], connection=queue.connection, job_class=queue.job_class).work(burst=True)
        runs += 1
        assert runs < 20
    return runs


def test_it_runs_the_national_zip_on_the_redis_backend(
    tree, dora, client, rq_queue, django_capture_on_commit_callbacks
):
    from tests.factories import OfficerFactory

    for n, code in enumerate(("5100", "5101", "5200", "0200", "5201")):
        OfficerFactory(staff_no=f"L{n:04d}", name=f"领导{n}", unit=tree[code], is_leader=True)
    client.force_login(dora)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/reports/units/0000/appraisals.zip?year=2009").status_code == 302
    assert rq_queue.count == 1  # queued in Redis, not in the database
    work(rq_queue, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert (job.status, job.parts, job.parts_done, job.done, job.total) == ("succeeded", 3, 3, 5, 5)
    content = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == [
            "L0003_领导3.pdf",
            "L0000_领导0.pdf",
            "L0001_领导1.pdf",
            "L0002_领导2.pdf",
            "L0004_领导4.pdf",
        ]
