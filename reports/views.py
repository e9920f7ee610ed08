"""Downloads of the appraisal PDFs.

A record outside the reader's grants answers 404, exactly like one that does
not exist (access.md). The year comes from ``?year=``; without it, the year
the dashboard opens on (core.dates.default_year: the last complete year, or
the last year with records if they stop earlier).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.dates import default_year, year_from_query
from jobs.services import job_start
from org.access import request_access

from . import access, tasks
from .pdf import dossier, unit_report


def _year(request) -> tuple[int | None, str | None]:
    """The year asked for, the dashboard's default year otherwise. A PDF
    carries no notice, so a bad year is not replaced by another: (None, problem)."""
    raw = request.GET.get("year")
    return year_from_query(raw, None) if raw else (default_year(timezone.localdate()), None)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 6266/5987: Chinese file names survive in every current browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
@transaction.atomic  # the access-log row and the PDF succeed or fail together
def appraisal_pdf(request, staff_no: str):
    year, problem = _year(request)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    officer = access.officer_or_404(staff_no, request.user)
    pdf = dossier.render(officer, year, request.user, request=request)
    return _download(pdf, f"{officer.staff_no}_{officer.name}_{year}.pdf", "application/pdf")


@require_GET
@login_required
def unit_report_pdf(request, code: str):
    year, problem = _year(request)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    unit = access.report_unit_or_404(code, request.user)
    pdf = unit_report.render(unit, year, request.user)
    return _download(pdf, f"{unit.code}_{unit.name}_{year}.pdf", "application/pdf")


@require_http_methods(["GET", "POST"])
@login_required
def appraisal_batch(request, code: str):
    """All leader dossiers of the unit (the whole service at the head
    office) as one zip, made by a background job: GET offers it, POST starts
    it and goes to My jobs."""
    year, problem = _year(request)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    unit = access.unit_or_404(code, request.user)
    if not request_access(request).may_read_dossiers(unit):
        raise Http404
    title = _("All leader dossiers of %(unit)s, %(year)s") % {"unit": unit.name, "year": year}
    return _batch(request, tasks.dossier_zip, "dossier_zip", title, unit, year, _("one PDF per leader, in one zip"))


@require_http_methods(["GET", "POST"])
@login_required
def unit_reports_batch(request, code: str):
    """The reports of the unit and of every unit under it that the reader
    may have, as one zip made by a background job."""
    year, problem = _year(request)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    unit = access.report_unit_or_404(code, request.user)
    title = _("Unit reports of %(unit)s and its units, %(year)s") % {"unit": unit.name, "year": year}
    what = _("one report per unit, in one zip")
    return _batch(request, tasks.unit_reports_zip, "unit_reports", title, unit, year, what)


def _batch(request, task, kind, title, unit, year, what):
    """GET: the page that offers the batch; POST: start it as the reader's
    job for the unit and year, and go to My jobs."""
    if request.method == "POST":
        job_start(
            task=task,
            kind=kind,
            title=title,
            scope=f"{unit.code} {unit.name}",
            params={"unit": unit.code, "year": year},
            acting_user=request.user,
        )
        return HttpResponseRedirect(reverse("jobs:list"))
    return render(request, "jobs/start.html", {"title": title, "unit": unit, "year": year, "what": what})
