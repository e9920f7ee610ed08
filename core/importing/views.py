"""The confirm step of a large import previewed by a job (core/importing/jobs.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.models import Job, JobChunk
from jobs.selectors import job_or_404
from jobs.services import job_start

from .jobs import PREVIEW, WRITE, import_write


@require_POST
@login_required
def import_confirm(request, job_id):
    """Write the rows a preview job checked: a new job takes over its upload."""
    preview = job_or_404(request.user, job_id)
    if preview.kind != PREVIEW or preview.owner_id != request.user.pk or preview.status != Job.Status.SUCCEEDED:
        raise Http404
    with transaction.atomic():
        if not preview.chunks.filter(slot=JobChunk.Slot.UPLOAD).exists():
            raise Http404
        job = job_start(
            task=import_write,
            kind=WRITE,
            title=_("Import: %(file)s") % {"file": preview.params["file_name"]},
            scope=preview.scope,
            params={k: preview.params[k] for k in ("record_kind", "file_name")},
            acting_user=request.user,
        )
        preview.chunks.filter(slot=JobChunk.Slot.UPLOAD).update(job=job)
        preview.params = {k: v for k, v in preview.params.items() if k != "confirm_url"}
        preview.save(update_fields=["params"])
    return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
