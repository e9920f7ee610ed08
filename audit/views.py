"""The audit plan and the composite assessment.

Views stay thin: scope and numbers live in ``selectors`` and ``composite``.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import indicators as engine
from core.dates import YEAR_MAX, YEAR_MIN, default_year, parse_date, year_from_query

from . import composite, selectors
from .models import READ_AUDIT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as_of(raw: str | None) -> tuple[dt.date, str | None]:
    """The plan's date: typed, or the last day of the year every yearly page
    opens on (the dashboard's default year)."""
    default = dt.date(default_year(timezone.localdate()), 12, 31)
    if not raw:
        return default, None
    shown = {"value": raw, "date": default.isoformat(), "first": YEAR_MIN, "last": YEAR_MAX}
    try:
        as_of = parse_date(raw)
    except ValueError:
        return default, _("“%(value)s” is not a date (YYYY-MM-DD); showing %(date)s.") % shown
    if not YEAR_MIN <= as_of.year <= YEAR_MAX:
        # The audit window reaches years back from the date: 0001-01-01
        # would leave the calendar.
        return default, _("The date must be in the years %(first)s to %(last)s; showing %(date)s.") % shown
    return as_of, None


def _not_permitted(request, page: str, unit) -> HttpResponse:
    """The page that says who may see ``page`` (403), for a user who sees
    ``unit`` but whose roles there do not open it."""
    return render(request, "audit/not_permitted.html", {"page": page, "unit": unit}, status=403)


@login_required
@require_GET
def plan(request):
    try:
        unit = selectors.resolve_unit(request.access, request.GET.get("unit"), READ_AUDIT)
    except selectors.NotPermittedHere as refused:
        return _not_permitted(request, "plan", refused.unit)
    as_of, problem = _as_of(request.GET.get("as_of"))
    window_start, window_end = selectors.audit_window(as_of.year)
    context = {
        "unit": unit,
        "as_of": as_of,
        "problem": problem,
        "window_start": window_start,
        "window_end": window_end,
        "units_due": selectors.units_due(request.user, unit=unit, as_of=as_of),
        "tenures": selectors.tenures_unaudited(request.user, unit=unit, as_of=as_of),
        "findings": selectors.findings_overdue(request.user, unit=unit, as_of=as_of),
    }
    return render(request, "audit/plan.html", context)


def _composite(request):
    unit = selectors.composite_unit(request.access, request.GET.get("unit"))
    year, problem = year_from_query(request.GET.get("year"), default_year(timezone.localdate()))
    rows = composite.assess(year=year, customs=selectors.composite_customs(request.access, unit), access=request.access)
    return unit, year, problem, rows


@login_required
@require_GET
def composite_table(request):
    try:
        unit, year, problem, rows = _composite(request)
    except selectors.NotPermittedHere as refused:
        return _not_permitted(request, "composite", refused.unit)
    context = {
        "unit": unit,
        "year": year,
        "problem": problem,
        "rows": rows,
        "indicators": engine.indicators(),
        "weights": [(i, i.composite_weight()) for i in engine.indicators()],
    }
    return render(request, "audit/composite.html", context)


@login_required
@require_GET
def composite_export(request):
    try:
        unit, year, _problem, rows = _composite(request)
    except selectors.NotPermittedHere as refused:
        return _not_permitted(request, "composite", refused.unit)
    frame = pd.DataFrame.from_records(composite.export_records(rows))
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=f"composite_{year}", engine="openpyxl")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="composite_{unit.code}_{year}.xlsx"'
    return response
