"""The REST API (docs/integration.md "REST API").

Every read goes through the kind's ``visible_to`` (api/kinds.py) and writes
the access log where the pages do; every write goes through the one import
engine (core/importing/services.py), so the API accepts exactly what an
import file would, under the acting user's grants, all rows or none.
"""

from __future__ import annotations

import datetime as dt

import tablib
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import parse_date, year_from_query
from core.importing import kinds, records_import
from core.importing.jobs import import_job_start, large_file_rows
from integrity.models import AccessLog, RiskAlert
from integrity.risk import alert_as_dict
from integrity.selectors import alert_queue
from integrity.services import access_log_record
from org.access import DASHBOARD_ROLES, Access
from org.models import Unit

from .jobs import JobStartedSerializer, job_started_response
from .kinds import Kind
from .pagination import Pages
from .selectors import indicator_payload

UNIT_PARAM = OpenApiParameter("unit", str, description="unit code: records within that unit's scope")
DATE_PARAMS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="on or after (YYYY-MM-DD)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="on or before (YYYY-MM-DD)"),
]
DRY_RUN_PARAM = OpenApiParameter("dry_run", bool, description="1: check and count, write nothing")


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ProblemsSerializer(serializers.Serializer):
    problems = ProblemSerializer(many=True)


class OutcomeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    ignored_columns = serializers.ListField(child=serializers.CharField())


def _access(request) -> Access:
    """The request's Access object; for a token the token's user (DRF
    authenticates after the middleware built it for the session user)."""
    access = getattr(request._request, "access", None)
    if access is None or access.user != request.user:
        access = Access(request.user)
        request._request.access = access
    return access


def _date(request, name) -> dt.date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return parse_date(raw)
    except ValueError:
        raise ValidationError({name: _("“%(value)s” is not a date written YYYY-MM-DD.") % {"value": raw}}) from None


def _in_unit(request, queryset):
    """``?unit=CODE``: only records within that unit's scope. A code the user
    may not see lists nothing, exactly like a code that does not exist."""
    code = request.query_params.get("unit")
    if not code:
        return queryset
    unit = Unit.objects.visible_to(request.user).filter(code=code).first()
    return queryset.none() if unit is None else queryset.in_unit_scope(unit)


def _between(request, queryset, field: str | None, *, years: bool = False):
    start, end = _date(request, "date_from"), _date(request, "date_to")
    if field is None:
        return queryset
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start.year if years else start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lte": end.year if years else end})
    return queryset


def _log(request, action, logged):
    if logged is not None:
        model, ids = logged
        access_log_record(user=request.user, action=action, model=model, object_ids=ids, request=request._request)


def _outcome_response(outcome, *, created_status=status.HTTP_200_OK) -> Response:
    """The problems (400), or the counts and the headers of the columns the
    kind does not know, left out (``ignored_columns``)."""
    if outcome.problems:
        code = status.HTTP_400_BAD_REQUEST
    else:
        code = status.HTTP_200_OK if outcome.dry_run else created_status
    return Response(outcome.as_dict(), status=code)


def _dry_run(request) -> bool:
    return request.query_params.get("dry_run", "") in ("1", "true", "yes")


# --- Record kinds --------------------------------------------------------------


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Base of the generated viewsets: ``kind`` is set by ``record_viewset``."""

    kind: Kind
    pagination_class = Pages

    def get_queryset(self):
        queryset = self.kind.visible(self.request.user)
        if self.action == "list":
            queryset = _in_unit(self.request, queryset)
            queryset = _between(self.request, queryset, self.kind.date_field, years=self.kind.date_is_year)
        return queryset

    def _rows(self, objects) -> list[dict]:
        resource = self.kind.resource_class()
        headers = resource.get_export_headers()
        return [self.kind.represent(resource, headers, obj) for obj in objects]

    def list(self, request, *args, **kwargs):
        with transaction.atomic():
            page = self.paginate_queryset(self.get_queryset())
            _log(request, AccessLog.Action.LIST, self.kind.logged([obj.pk for obj in page]))
        return self.get_paginated_response(self._rows(page))

    def retrieve(self, request, *args, **kwargs):
        with transaction.atomic():
            obj = self.get_object()
            _log(request, AccessLog.Action.VIEW, self.kind.logged([obj.pk]))
        return Response(self._rows([obj])[0])


class TrainingViewSet(RecordViewSet):
    """Training records; the learning platform posts completed courses here."""

    parser_classes = [JSONParser]

    def create(self, request, *args, **kwargs):
        records = request.data if isinstance(request.data, list) else [request.data]
        if not records or not all(isinstance(record, dict) for record in records):
            raise ValidationError({"detail": _("Post one training record or a list of them, as JSON objects.")})
        headers = self.kind.columns() + sorted({key for r in records for key in r} - set(self.kind.columns()))
        dataset = tablib.Dataset(headers=headers)
        for record in records:
            dataset.append(["" if record.get(h) is None else str(record.get(h)) for h in headers])
        outcome = records_import(
            kind=self.kind.name,
            dataset_or_file=dataset,
            file_name="api",
            acting_user=request.user,
            dry_run=_dry_run(request),
        )
        return _outcome_response(outcome, created_status=status.HTTP_201_CREATED)


def record_viewset(kind: Kind) -> type[RecordViewSet]:
    base = TrainingViewSet if kind.name == "training" else RecordViewSet
    fields = {"id": serializers.IntegerField(read_only=True)}
    fields.update({name: serializers.JSONField() for name in kind.columns()})
    serializer = type(f"{kind.model.__name__}Record", (serializers.Serializer,), fields)
    viewset = type(
        f"{kind.model.__name__}ViewSet",
        (base,),
        {
            "kind": kind,
            "model": kind.model,
            "serializer_class": serializer,
            "__doc__": base.__doc__ or f"Records of kind {kind.name}.",
        },
    )
    list_schema = extend_schema(parameters=[UNIT_PARAM, *DATE_PARAMS])
    viewset.list = list_schema(viewset.list)
    if base is TrainingViewSet:
        viewset.create = extend_schema(
            request=serializer(many=True),
            parameters=[DRY_RUN_PARAM],
            responses={201: OutcomeSerializer, 400: ProblemsSerializer},
        )(viewset.create)
    return viewset


# --- Alerts --------------------------------------------------------------------


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField()
    subject_type = serializers.CharField()
    subject = serializers.CharField()
    score = serializers.IntegerField()
    facts = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Integrity-risk alerts, in the shape of ``scan_risks --format json``.
    Without ``status`` the working queue (open and in review), as the desk."""

    model = RiskAlert  # what the endpoint serves (the leak matrix of tests/api reads it)
    serializer_class = AlertSerializer
    pagination_class = Pages

    def get_queryset(self):
        if self.action != "list":
            return RiskAlert.objects.visible_to(self.request.user).select_related("officer", "unit")
        wanted = self.request.query_params.get("status", "")
        if wanted and wanted not in RiskAlert.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        alerts = _in_unit(self.request, alert_queue(self.request.user, status=wanted))
        return _between(self.request, alerts, "raised_on")

    @staticmethod
    def _row(alert) -> dict:
        return {"id": alert.pk, **alert_as_dict(alert)}

    @extend_schema(parameters=[UNIT_PARAM, *DATE_PARAMS, OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        with transaction.atomic():
            page = self.paginate_queryset(self.get_queryset())
            _log(request, AccessLog.Action.LIST, (RiskAlert, [alert.pk for alert in page]))
        return self.get_paginated_response([self._row(alert) for alert in page])

    def retrieve(self, request, *args, **kwargs):
        with transaction.atomic():
            alert = self.get_object()
            _log(request, AccessLog.Action.VIEW, (RiskAlert, [alert.pk]))
        return Response(self._row(alert))


# --- Indicators ----------------------------------------------------------------


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()
    comparison = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)


class IndicatorsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    unit = serializers.CharField(allow_null=True)
    indicators = FigureSerializer(many=True)


class IndicatorsView(APIView):
    """The twelve indicators of one unit's scope and year, as the
    ``indicators --format json`` command prints them, with the dashboard's
    small-counts rule for this reader. Without ``unit``: the whole service
    (``"unit": null``), for a reader whose scope covers hq."""

    @extend_schema(
        parameters=[OpenApiParameter("unit", str), OpenApiParameter("year", int, required=True)],
        responses=IndicatorsSerializer,
    )
    def get(self, request):
        access = _access(request)
        year, problem = year_from_query(request.query_params.get("year"), None)
        if year is None:
            raise ValidationError({"year": problem or _("This field is required.")})
        # The scope asked for, or the whole service; out of the reader's
        # dashboard scope answers 404 like a code that does not exist.
        units = Unit.objects.filter(pk__in=access.units(DASHBOARD_ROLES))
        code = request.query_params.get("unit")
        unit = units.filter(code=code).first() if code else units.filter(kind=Unit.Kind.HQ).first()
        if unit is None:
            raise Http404
        payload = indicator_payload(access, unit=unit, year=year)
        return Response({**payload, "unit": payload["unit"] if code else None})


# --- Import files --------------------------------------------------------------


class ImportFileSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportView(APIView):
    """One whole import file (.csv or .xlsx) of a kind: the import page's
    rules -- every row or none, problems with row and column. A file of
    more data rows than ``JOBS["import_rows_threshold"]`` is imported (or,
    with ``dry_run``, checked) by a job, as on the import page: 202 with the
    job's id and the URL of its status (``/api/jobs/<id>/``)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=ImportFileSerializer,
        parameters=[DRY_RUN_PARAM],
        responses={
            201: OutcomeSerializer,
            200: OutcomeSerializer,
            202: JobStartedSerializer,
            400: ProblemsSerializer,
        },
    )
    def post(self, request, kind):
        if kind not in kinds():
            raise Http404
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": _("Attach the file as the form field “file”.")})
        rows = large_file_rows(upload, upload.name)
        if rows is not None:
            job = import_job_start(
                kind=kind,
                source=upload,
                file_name=upload.name,
                rows=rows,
                dry_run=_dry_run(request),
                acting_user=request.user,
            )
            return job_started_response(request, job)
        outcome = records_import(
            kind=kind,
            dataset_or_file=upload,
            file_name=upload.name,
            acting_user=request.user,
            dry_run=_dry_run(request),
        )
        return _outcome_response(outcome, created_status=status.HTTP_201_CREATED)
