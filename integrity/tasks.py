"""The risk scan as a background job (started by a superuser from My jobs'
alert desk, or daily by ``run_schedules``)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from jobs.runner import Outcome, job_task, require
from org.scoping import sees_everything

from .risk import scan


def scan_summary(result) -> str:
    return _(
        "Scan at %(date)s: %(created)s raised, %(updated)s updated, %(unchanged)s unchanged, "
        "%(suppressed)s not raised again after a recent closure."
    ) % {
        "date": result.as_of.isoformat(),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "suppressed": result.suppressed,
    }


@job_task
def risk_scan(job):
    # The scan writes alerts across the whole service: only a superuser
    # (or the schedule, which has no owner) runs it.
    require(job.owner is None or sees_everything(job.owner), _("Only an administrator may run the risk scan."))
    job.total = 1
    job.save(update_fields=["total"])
    return Outcome(summary=scan_summary(scan(as_of=dt.date.fromisoformat(job.params["as_of"]))))
