"""How an app writes a job: a function of the job record, made a task.

::

    @job_task
    def dossier_zip(job, *args):
        require(Access(job.owner).may_read_dossiers(unit), _("..."))
        ...
        return summary_and_result

The task takes the job's id (what the queue carries); the runner loads the
record, marks it running, and records the outcome: success, or failure with
a message in plain words. The function re-checks the owner's access when it
runs (``require``), not only when the job was queued.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .compat import task
from .models import Job
from .services import job_fail, job_running, job_succeed

logger = logging.getLogger(__name__)


class JobRefused(Exception):
    """The job cannot go on; the message tells the owner why."""


@dataclass
class Outcome:
    summary: str = ""
    result_name: str = ""
    result_type: str = ""
    result_bytes: int = 0


# A part of a job split over workers returns this: the job is not finished
# until its last step says so.
PENDING = object()


def require(condition: bool, message: str) -> None:
    if not condition:
        raise JobRefused(message)


def job_task(function):
    @functools.wraps(function)
    def run(job_id: str, *args):
        job = Job.objects.select_related("owner").filter(pk=job_id).first()
        if job is None or job.finished:
            return None  # expired and deleted, or a part of a job that already failed
        job_running(job)
        try:
            if job.owner_id is not None:
                require(job.owner.is_active, _("Your account is no longer active."))
            outcome = function(job, *args)
        except JobRefused as refused:
            job_fail(job, str(refused))
            return None
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            job_fail(job, _("The job stopped on an unexpected error; please try again or ask the administrator."))
            return None
        if outcome is PENDING:
            return None
        outcome = outcome or Outcome()
        job_succeed(
            job,
            summary=outcome.summary,
            result_name=outcome.result_name,
            result_type=outcome.result_type,
            result_bytes=outcome.result_bytes,
        )
        return None

    return task()(run)
