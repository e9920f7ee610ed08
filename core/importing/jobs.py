"""Large imports as background jobs: a file with more data rows than
``JOBS["import_rows_threshold"]`` is previewed by a job and, once the owner
confirms, written by another. Both run the one import service
(``records_import``) on the upload kept in the database (``JobChunk``),
never in a temporary folder; the owner's grants decide what the import may
touch when each job runs, as they would in a request.
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.files import read_bytes, store_bytes
from jobs.models import Job, JobChunk
from jobs.runner import Outcome, job_task, require
from jobs.services import job_progress, job_start
from org.scoping import has_grant

from .files import extension_of
from .registry import get_resource_class
from .services import records_import

PREVIEW, WRITE = "import_preview", "import_write"
SHOWN_PROBLEMS = 200


def data_rows(data: bytes, file_name: str) -> int:
    """The file's data rows as it declares them, without reading them: the
    lines of a CSV, the dimension of an .xlsx sheet (header row excluded)."""
    if extension_of(file_name) == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            return max((book.worksheets[0].max_row or 1) - 1, 0)
        except Exception:
            return 0  # unreadable: the import in the request says why
    return max(data.count(b"\n") - 1, 0)


def is_large(data: bytes, file_name: str) -> bool:
    return data_rows(data, file_name) > settings.JOBS["import_rows_threshold"]


def preview_start(*, kind: str, data: bytes, file_name: str, acting_user) -> Job:
    """Keep the upload with a new job and queue its preview."""
    with transaction.atomic():
        job = job_start(
            task=import_preview,
            kind=PREVIEW,
            title=_("Import preview: %(file)s") % {"file": file_name},
            scope=file_name,
            params={"record_kind": kind, "file_name": file_name},
            acting_user=acting_user,
        )
        store_bytes(job, JobChunk.Slot.UPLOAD, data)
        job.total = data_rows(data, file_name)
        job.save(update_fields=["total"])
    return job


def _may_import(job) -> None:
    model = get_resource_class(job.params["record_kind"])._meta.model
    require(
        has_grant(job.owner, model.scope.write),
        _("You may no longer import %(kind)s, so the job was stopped.") % {"kind": model._meta.verbose_name_plural},
    )


def _run(job, *, dry_run: bool):
    _may_import(job)

    def progress(message):
        # The engine reports "N rows read" / "N rows checked" as it goes.
        found = re.search(r"\d+", str(message))
        if found and int(found.group()) <= job.total:
            job_progress(job, done=int(found.group()))

    outcome = records_import(
        kind=job.params["record_kind"],
        dataset_or_file=read_bytes(job, JobChunk.Slot.UPLOAD),
        file_name=job.params["file_name"],
        acting_user=job.owner,
        dry_run=dry_run,
        progress=progress,
    )
    job.total = outcome.rows
    job.save(update_fields=["total"])
    if outcome.problems:
        lines = [str(problem) for problem in outcome.problems[:SHOWN_PROBLEMS]]
        if len(outcome.problems) > SHOWN_PROBLEMS:
            lines.append(_("… and %(count)s more") % {"count": len(outcome.problems) - SHOWN_PROBLEMS})
        require(False, _("Nothing was imported. The file has these problems:") + "\n" + "\n".join(lines))
    return _("%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
        "rows": outcome.rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }


@job_task
def import_preview(job):
    summary = _run(job, dry_run=True)
    job.params = {**job.params, "confirm_url": reverse("import_confirm", args=[job.pk])}
    job.save(update_fields=["params"])
    return Outcome(summary=_("Checked, nothing written yet: %(summary)s") % {"summary": summary})


@job_task
def import_write(job):
    summary = _run(job, dry_run=False)
    job.chunks.filter(slot=JobChunk.Slot.UPLOAD).delete()
    return Outcome(summary=_("Imported: %(summary)s") % {"summary": summary})
