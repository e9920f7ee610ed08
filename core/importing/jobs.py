"""Large imports as background jobs: a file with more data rows than
``JOBS["import_rows_threshold"]`` is previewed (a dry run) or written by a
job, from the admin's import page and from the API alike. Both run the one
import service (``records_import``) on the upload kept in the database
(``JobChunk``), never in a temporary folder; the owner's grants decide what
the import may touch when the job runs, as they would in a request.

The upload is measured and stored as it already is in memory (the upload
handler keeps it there): its rows are counted a block at a time and it is
copied into the database a chunk at a time, never read whole a second time.
The job keeps the outcome as the API answers it (``ImportOutcome.as_dict``)
in its ``params["outcome"]``, with the first ``SHOWN_PROBLEMS`` problems.
"""

from __future__ import annotations

import re

import openpyxl
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.files import read_bytes, store_file
from jobs.models import Job, JobChunk
from jobs.runner import Outcome, job_task, require
from jobs.services import job_progress, job_start
from org.scoping import has_grant

from .files import extension_of, open_source, source_size
from .registry import get_resource_class
from .services import records_import

PREVIEW, WRITE = "import_preview", "import_write"
SHOWN_PROBLEMS = 200
# Bytes of a CSV file read at a time while its lines are counted.
COUNT_BLOCK = 1024 * 1024


def data_rows(source, file_name: str) -> int:
    """The file's data rows as it declares them, without parsing them: the
    lines of a CSV, the dimension of an .xlsx sheet (header row excluded).
    ``source`` is bytes, a path or a file object (an upload), read through
    from its start a block at a time."""
    try:
        with open_source(source) as binary:
            if extension_of(file_name) == ".xlsx":
                book = openpyxl.load_workbook(binary, read_only=True)
                try:
                    return max((book.worksheets[0].max_row or 1) - 1, 0)
                finally:
                    book.close()
            lines = 0
            while block := binary.read(COUNT_BLOCK):
                lines += block.count(b"\n")
            return max(lines - 1, 0)
    except Exception:
        return 0  # unreadable: the import in the request says why


def large_file_rows(source, file_name: str) -> int | None:
    """The data rows of a file a job imports: one past the row threshold.
    None for a file the request imports itself: within the threshold, or
    past the size bound (``IMPORT_MAX_FILE_BYTES``), which the import
    refuses at once by its size, before reading it."""
    if source_size(source) > settings.IMPORT_MAX_FILE_BYTES:
        return None
    rows = data_rows(source, file_name)
    return rows if rows > settings.JOBS["import_rows_threshold"] else None


def import_job_start(*, kind: str, source, file_name: str, rows: int, dry_run: bool, acting_user) -> Job:
    """Keep the upload with a new job and queue it: the preview (a dry run,
    which the owner may then confirm on the job's page) or the write.
    ``rows`` is the file's declared data rows (``large_file_rows``), the
    job's N until the import has counted them."""
    with transaction.atomic():
        title = _("Import preview: %(file)s") if dry_run else _("Import: %(file)s")
        job = job_start(
            task=import_preview if dry_run else import_write,
            kind=PREVIEW if dry_run else WRITE,
            title=title % {"file": file_name},
            scope=file_name,
            params={"record_kind": kind, "file_name": file_name},
            acting_user=acting_user,
        )
        with open_source(source) as binary:
            store_file(job, JobChunk.Slot.UPLOAD, binary)
        job.total = rows
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
    job.params = {**job.params, "outcome": outcome.as_dict(problems_shown=SHOWN_PROBLEMS)}
    job.save(update_fields=["total", "params"])
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
