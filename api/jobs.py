"""The API's view of background jobs (jobs/, docs/jobs.md): a large import
answers 202 with its job, and ``/api/jobs/<id>/`` tells how it goes.

A job is its owner's alone (superusers see every job): the one rule of
``Job.objects.visible_to``, as on "My jobs". Any other id -- another
user's job, an expired one, one that does not exist, one that is not an id
at all -- answers the same 404. A read-only token reads its owner's jobs.
"""

from __future__ import annotations

import uuid

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from jobs.files import result_response
from jobs.models import Job

from .pagination import Pages

JOB_ID = OpenApiParameter("job_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="the job's id")


class JobStartedSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    status = serializers.CharField()
    status_url = serializers.URLField()


class JobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Job.Status.choices)
    status_label = serializers.CharField()
    done = serializers.IntegerField(help_text="progress: n of N")
    total = serializers.IntegerField(help_text="progress: N")
    finished = serializers.BooleanField()
    error = serializers.CharField(help_text="why the job failed, in plain words; empty unless it failed")
    summary = serializers.CharField()
    result = serializers.JSONField(
        allow_null=True,
        help_text=(
            "an import's outcome as POST /api/imports/<kind>/ answers it: the counts, or "
            "the first 200 problems and problems_total; null for other jobs"
        ),
    )
    download = serializers.URLField(allow_null=True, help_text="the job's result file, when it has one")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


def _url(request, name, job) -> str:
    return request.build_absolute_uri(reverse(f"api:{name}", args=[job.pk]))


def job_started_response(request, job) -> Response:
    """202 Accepted: the job's id and where to ask how it goes."""
    url = _url(request, "jobs-detail", job)
    return Response(
        {"job": str(job.pk), "status": job.status, "status_url": url},
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": url},
    )


def job_as_dict(request, job) -> dict:
    return JobSerializer(
        {
            "id": job.pk,
            "kind": job.kind,
            "title": job.title,
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "finished": job.finished,
            "error": job.error,
            "summary": job.summary,
            "result": job.params.get("outcome"),
            "download": _url(request, "jobs-download", job) if job.has_result else None,
            "created_at": job.created_at,
            "started_at": job.started_at,
            "finished_at": job.finished_at,
            "expires_at": job.expires_at,
        }
    ).data


@extend_schema_view(
    list=extend_schema(description="The reader's jobs (every job for a superuser), newest first."),
    retrieve=extend_schema(
        parameters=[JOB_ID],
        description=(
            "One job: its status, progress n of N, the outcome (an import's counts or problems), "
            "why it failed in plain words, the link to its result file. Any id that is not one of "
            "the reader's jobs answers 404."
        ),
    ),
    download=extend_schema(
        parameters=[JOB_ID],
        description="The job's result file; 404 while it has none.",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, "the result file")},
    ),
)
class JobViewSet(viewsets.GenericViewSet):
    """The reader's jobs (every job for a superuser), newest first: status,
    progress n of N, the outcome, why a job failed, its result file."""

    model = Job  # what the endpoint serves (the leak matrix of tests/api reads it)
    serializer_class = JobSerializer
    pagination_class = Pages
    lookup_url_kwarg = "job_id"

    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).order_by("-created_at", "-pk")

    def get_object(self):
        # One answer for every id that is not a job the reader may see.
        try:
            job_id = uuid.UUID(str(self.kwargs[self.lookup_url_kwarg]))
        except ValueError:
            raise NotFound from None
        job = self.get_queryset().filter(pk=job_id).first()
        if job is None:
            raise NotFound
        return job

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([job_as_dict(request, job) for job in page])

    def retrieve(self, request, job_id=None):
        response = Response(job_as_dict(request, self.get_object()))
        response["Cache-Control"] = "private, no-store"
        return response

    @action(detail=True, methods=["get"])
    def download(self, request, job_id=None):
        job = self.get_object()
        if not job.has_result:
            raise NotFound
        return result_response(job)
