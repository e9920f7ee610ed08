"""Jobs run through the real database backend (django-tasks-db) with its
worker in the test process: ``run_jobs()`` works the queue until it is empty,
as ``manage.py db_worker --batch`` does."""

from __future__ import annotations

from unittest import mock

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def work_queue(worker_id: str = "test-worker", max_tasks: int | None = None) -> None:
    # The worker closes "old" connections between tasks; in the test's
    # transaction that would close the test's own (PostgreSQL) connection.
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        _work(worker_id, max_tasks)


def _work(worker_id: str, max_tasks: int | None) -> None:
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run the queued tasks (and those they queue) to the end. The test's
    transaction never commits, so the on-commit callbacks that queue tasks
    are run as they would be at a commit."""

    def run(max_tasks: int | None = None) -> int:
        ran = 0
        while DBTaskResult.objects.ready().exists():
            before = DBTaskResult.objects.ready().count()
            with django_capture_on_commit_callbacks(execute=True):
                work_queue(max_tasks=max_tasks)
            ran += before
            if max_tasks is not None:
                break
        return ran

    return run


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run a block whose on-commit callbacks (queueing a job) must fire."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
