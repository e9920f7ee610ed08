"""The reports' background jobs: every leader dossier of a unit (or the whole
service) as one zip, and the unit reports of a unit and every unit under it.

The dossier zip is split into parts of ``JOBS["dossier_part_size"]``
dossiers that render on as many workers as run; each dossier is stored as
it is rendered, and the worker that finishes the last part writes them into
the result zip, one at a time. A worker holds one PDF at a time (one small
batch while zipping), whatever the number of dossiers.
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from jobs.files import ChunkWriter, pieces, store_piece
from jobs.runner import PENDING, Outcome, job_task, require
from jobs.services import job_part_done, job_progress
from org.access import Access
from org.models import Unit, UnitScope
from personnel.models import Officer

from . import access
from .pdf import batch, dossier, unit_report

ZIP = "application/zip"


def _unit_for(job) -> Unit:
    """The job's unit, if the owner still may read its dossiers: asked again
    when the job runs, not only when it was queued."""
    unit = access.visible(Unit, job.owner).filter(code=job.params["unit"]).first()
    require(
        unit is not None and Access(job.owner).may_read_dossiers(unit),
        _("You no longer have access to the unit %(unit)s, so the job was stopped.") % {"unit": job.params["unit"]},
    )
    return unit


@job_task
def dossier_zip(job):
    unit = _unit_for(job)
    ids = list(batch.leaders_query(unit, job.params["year"], job.owner).values_list("pk", flat=True))
    size = settings.JOBS["dossier_part_size"]
    parts = [ids[start : start + size] for start in range(0, len(ids), size)]
    job.parts = len(parts)
    job.save(update_fields=["parts"])
    job_progress(job, done=0, total=len(ids))
    if not parts:
        return _zip_pieces(job, unit)
    for index, part in enumerate(parts):
        transaction.on_commit(lambda i=index, p=part: dossier_zip_part.enqueue(str(job.pk), i * size, p))
    return PENDING


@job_task
def dossier_zip_part(job, first: int, ids: list[int]):
    unit = _unit_for(job)
    year = job.params["year"]
    officers = {o.pk: o for o in access.visible(Officer, job.owner).select_related("unit").filter(pk__in=ids)}
    for offset, pk in enumerate(ids):
        officer = officers.get(pk)
        if officer is not None:
            with transaction.atomic():  # the access-log rows and the stored PDF go together
                pdf = dossier.render(officer, year, job.owner, path=f"/jobs/{job.pk}/")
                store_piece(job, first + offset, batch.file_name(officer), pdf)
        job_progress(job, advance=1)
    if not job_part_done(job):
        return PENDING
    return _zip_pieces(job, unit)


def _zip_pieces(job, unit: Unit) -> Outcome:
    writer = ChunkWriter(job)
    count = 0
    # PDFs are compressed already: stored, not deflated again.
    with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in pieces(job):
            archive.writestr(name, data)
            count += 1
    size = writer.close()
    job.chunks.filter(slot="piece").delete()
    year = job.params["year"]
    return Outcome(
        summary=_("%(count)s dossiers.") % {"count": count},
        result_name=f"{unit.code}_{unit.name}_{year}.zip",
        result_type=ZIP,
        result_bytes=size,
    )


def report_units(unit: Unit, reader) -> list[Unit]:
    """The unit and every unit in its scope whose report the reader may have."""
    granted = Access(reader)
    units = list(Unit.objects.filter(pk__in=UnitScope.objects.filter(root=unit).values("unit_id")).order_by("code"))
    granted.coverage(Unit.objects.filter(pk__in=[u.pk for u in units]))
    return [u for u in units if granted.may_read_unit_report(u)]


@job_task
def unit_reports_zip(job):
    unit = Unit.objects.filter(code=job.params["unit"]).first()
    require(
        unit is not None and Access(job.owner).may_read_unit_report(unit),
        _("You no longer have access to the unit %(unit)s, so the job was stopped.") % {"unit": job.params["unit"]},
    )
    units = report_units(unit, job.owner)
    year = job.params["year"]
    job_progress(job, done=0, total=len(units))
    writer = ChunkWriter(job)
    with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_STORED) as archive:
        for one in units:
            archive.writestr(
                f"{one.code}_{batch.safe_name(one.name)}_{year}.pdf", unit_report.render(one, year, job.owner)
            )
            job_progress(job, advance=1)
    return Outcome(
        summary=_("%(count)s unit reports.") % {"count": len(units)},
        result_name=f"{unit.code}_{unit.name}_{year}_reports.zip",
        result_type=ZIP,
        result_bytes=writer.close(),
    )
