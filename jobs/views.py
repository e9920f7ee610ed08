"""My jobs (我的任务), their live progress and downloads; the inbox and the
reminder preferences. Everything here is the signed-in user's own: another
user's job or message answers 404, as one that does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import registry, selectors, services
from .files import result_response
from .models import Job

PAGE_SIZE = 20
JOB_SORTS = {
    "-created": "-created_at",
    "created": "created_at",
    "title": "title",
    "-title": "-title",
    "status": "status",
    "-status": "-status",
}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def job_state(job: Job) -> dict:
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": round(100 * job.done / job.total) if job.total else (100 if job.finished else 0),
        "finished": job.finished,
        "error": job.error,
        "summary": job.summary,
        "download": reverse("jobs:download", args=[job.pk]) if job.has_result else "",
    }


@require_GET
@login_required
def job_list(request):
    jobs = selectors.jobs_visible_to(request.user)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        jobs = jobs.filter(Q(title__icontains=query) | Q(scope__icontains=query))
    sort = request.GET.get("sort", "-created")
    if sort not in JOB_SORTS:
        sort = "-created"
    page = _page(request, jobs.order_by(JOB_SORTS[sort], "-pk"))
    return render(
        request,
        "jobs/job_list.html",
        {"page": page, "jobs": [(job, job_state(job)) for job in page], "q": query, "sort": sort},
    )


@require_GET
@login_required
def job_detail(request, job_id):
    job = selectors.job_or_404(request.user, job_id)
    return render(request, "jobs/job_detail.html", {"job": job, "state": job_state(job)})


@require_GET
@login_required
def job_status(request, job_id):
    """The polling answer of the progress bar."""
    job = selectors.job_or_404(request.user, job_id)
    response = JsonResponse(job_state(job))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def job_download(request, job_id):
    job = selectors.job_or_404(request.user, job_id)
    if not job.has_result:
        raise Http404
    return result_response(job)


@require_GET
@login_required
def inbox(request):
    page = _page(request, selectors.inbox_of(request.user))
    return render(request, "jobs/inbox.html", {"page": page})


@require_POST
@login_required
def inbox_read(request):
    ids = [value for value in request.POST.getlist("id") if value.isdigit()]
    services.notifications_mark_read(user=request.user, ids=ids if ids else None)
    return HttpResponseRedirect(reverse("jobs:inbox"))


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    kinds = registry.reminder_kinds()
    saved_message = ""
    if request.method == "POST":
        choices = {
            kind.key: (f"{kind.key}:inbox" in request.POST, f"{kind.key}:email" in request.POST) for kind in kinds
        }
        services.preferences_save(user=request.user, choices=choices, acting_user=request.user)
        saved_message = _("Your reminder choices are saved.")
    current = services.preferences_of(request.user)
    rows = [{"kind": kind, "inbox": current[kind.key][0], "email": current[kind.key][1]} for kind in kinds]
    return render(
        request,
        "jobs/preferences.html",
        {"rows": rows, "saved_message": saved_message, "has_email": bool(request.user.email)},
    )
