"""The daily schedules as a task, for a deployment whose cron line only
queues them (``run_schedules --enqueue``) and lets a worker do the work."""

import datetime as dt

from .compat import task
from .services import schedules_run


@task()
def run_schedules(as_of: str) -> list:
    return schedules_run(as_of=dt.date.fromisoformat(as_of))
