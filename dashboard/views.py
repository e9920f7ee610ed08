"""The dashboard (the landing page) and the drill-down behind each number.

Views stay thin: scope checks and the numbers live in ``selectors``; every
figure comes from the indicator engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from html import escape

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import figures as snapshot
from core import indicators as engine
from core.indicators import comparison_text

from . import selectors

DRILL_DOWN_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _indicator_or_404(key: str) -> engine.Indicator:
    try:
        return engine.get(key)
    except KeyError:
        raise Http404 from None


@login_required
@require_GET
def dashboard(request):
    access = request.access
    if not access.may_see_dashboard():
        # A plain officer: no figures, only the way to their own records.
        return render(request, "dashboard/no_dashboard.html")
    key = _kept_page_key(request)
    content = cache.get(key) if key else None
    if content is None:
        content = render_to_string("dashboard/_content.html", _context(request), request)
        if key:
            cache.set(key, content, settings.DASHBOARD_PAGE_SECONDS)
    return render(request, "dashboard/dashboard.html", {"content": content})


def _kept_page_key(request) -> str | None:
    """The key the rendered figures of this request are kept under, or None
    when they are not kept.

    The figures depend on the stored snapshot (its generation moves with
    every change of a counted record, core/figures.py), the settings they
    are counted under and the calendar; what is shown of them depends on
    the reader's grants (links, drill-downs, small counts). The key holds
    all of these and the reader's own id, so a page is only ever served
    again to the user it was rendered for, and only while nothing it shows
    has changed. A reader for whom a definition counts differently (named
    in a case) is counted live every time and never kept.
    """
    if not all(indicator.for_reader(request.user).counts_for_everyone() for indicator in engine.indicators()):
        return None
    parts = (
        request.user.pk,
        request.access.fingerprint,
        snapshot.generation(),
        snapshot.version(),
        get_language(),
        dt.date.today().isoformat(),
        sorted(request.GET.lists()),
    )
    return "dashboard-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _context(request) -> dict:
    access = request.access
    unit = selectors.resolve_scope(access, request.GET.get("unit"))
    years = selectors.year_choices()
    year, year_problem = selectors.parse_year(request.GET.get("year"), years)
    context = {
        "unit": unit,
        "year": year,
        "year_problem": year_problem,
        "years": years.choices if year in years.choices else sorted({*years.choices, year}, reverse=True),
    }
    context["choices"], context["scope_size"] = selectors.scope_choices(access, around=unit)
    if unit is not None:
        indicators = engine.indicators()
        data = selectors.dashboard(
            access,
            unit=unit,
            year=year,
            indicators=indicators,
            sort=request.GET.get("sort", ""),
            since=years.since,
        )
        context.update(
            cards=data.cards,
            rows=data.rows,
            headers=_breakdown_headers(unit, year, indicators, data.sort),
        )
        context["links"] = _links(access, unit, year)
        if not any(choice.pk == unit.pk for choice in context["choices"]):
            # Reached from a breakdown row: keep it selectable in the picker.
            context["choices"].append(selectors.ScopeChoice.of(unit))
    context["scope_options"] = _scope_options(context["choices"])
    return context


def _scope_options(choices) -> str:
    """The picker's ``<option>`` elements, every value escaped. Joined here
    rather than looped in the template: at national scope they are
    thousands, and the template engine's per-variable lookups (or
    ``format_html``'s lazy-string checks) cost more than the rest of the
    page."""
    return mark_safe(  # noqa: S308 -- every value is escaped by html.escape
        "".join(f'<option value="{escape(c.code)}">{escape(c.name)} · {escape(c.kind)}</option>' for c in choices)
    )


def _links(access, unit, year) -> list[dict]:
    """The reports and desks this user may open for this scope: the Access
    object answers, as it does for the pages behind the links."""
    query = "?" + urlencode({"unit": unit.code, "year": year})
    candidates = [
        (
            _("Unit report (PDF)"),
            access.may_read_unit_report(unit),
            reverse("reports:unit_report_pdf", args=[unit.code]) + f"?year={year}",
        ),
        (
            _("Reports of all units (zip)"),
            access.may_read_unit_report(unit),
            reverse("reports:unit_reports_batch", args=[unit.code]) + f"?year={year}",
        ),
        (
            _("All leader dossiers (zip)"),
            access.may_read_dossiers(unit),
            reverse("reports:appraisal_batch", args=[unit.code]) + f"?year={year}",
        ),
        (_("Composite assessment"), access.may_see_composite(unit), reverse("audit:composite") + query),
        (
            _("Audit plan"),
            access.may_see_audit_plan(unit),
            reverse("audit:plan") + "?" + urlencode({"unit": unit.code}),
        ),
        (_("Integrity-risk alerts"), access.may_see_alerts(), reverse("integrity:alert_list")),
        (
            _("Risk-point register"),
            access.may_read_risk_register(unit),
            reverse("integrity:risk_register", args=[unit.code]),
        ),
    ]
    return [{"label": label, "url": url} for label, allowed, url in candidates if allowed]


def _breakdown_headers(unit, year, indicators, current: str) -> list[dict]:
    """The breakdown's column headings, each a link that sorts by it:
    ascending first, descending on a second click."""
    columns = [(selectors.BREAKDOWN_SORT_UNIT, _("Unit"))] + [(i.key, i.label) for i in indicators]
    headers = []
    for column, label in columns:
        if current == column:
            target, direction = f"-{column}", "asc"
        else:
            target, direction = column, "desc" if current == f"-{column}" else ""
        headers.append(
            {
                "label": label,
                "url": "?" + urlencode({"unit": unit.code, "year": year, "sort": target}),
                "direction": direction,
            }
        )
    return headers


def _drill_down(request, key: str) -> selectors.DrillDown:
    indicator = _indicator_or_404(key)
    unit = selectors.drill_down_unit(request.access, indicator, request.GET.get("unit"))
    year, _problem = selectors.parse_year(request.GET.get("year"), selectors.year_choices())
    return selectors.drill_down(
        request.access,
        indicator=indicator,
        unit=unit,
        year=year,
        search=request.GET.get("q", "").strip(),
        missing_only=request.GET.get("missing") == "1",
        sort=request.GET.get("sort", ""),
    )


def _log_access(request, drill: selectors.DrillDown, officer_ids, action: str) -> None:
    from integrity.models import AccessLog, Case
    from integrity.services import access_log_record

    access_log_record(
        user=request.user,
        action=AccessLog.Action(action),
        model=Case,
        object_ids=selectors.drill_down_case_ids(drill, officer_ids),
        request=request,
    )


@login_required
@require_GET
def drill_down(request, key):
    drill = _drill_down(request, key)
    # By keyset: the links carry the row the next (previous) page starts
    # after (ends before), so a deep page costs what the first does.
    page = drill.listing.page(
        number=request.GET.get("page"),
        after_pk=request.GET.get("after"),
        before_pk=request.GET.get("before"),
        size=DRILL_DOWN_PAGE_SIZE,
    )
    if drill.logged:
        _log_access(request, drill, [row["pk"] for row in page.object_list], "list")
    query = {
        "unit": drill.unit.code,
        "year": drill.year,
        "q": request.GET.get("q", "").strip(),
        "missing": "1" if request.GET.get("missing") == "1" else "",
    }
    base = {k: v for k, v in query.items() if v != ""}
    columns = []
    for column in drill.columns:
        target = f"-{column.field}" if drill.sort == column.field else column.field
        direction = "asc" if drill.sort == column.field else ("desc" if drill.sort == f"-{column.field}" else "")
        columns.append(
            {"label": column.label, "url": "?" + urlencode({**base, "sort": target}), "direction": direction}
        )
    listed = {**base, **({"sort": drill.sort} if drill.sort else {})}
    page_base = urlencode(listed)
    context = {
        "drill": drill,
        "cell": selectors.Cell(figure=drill.figure, drillable=False),
        "target_text": comparison_text(drill.figure.comparison, drill.figure.target),
        "columns": columns,
        "rows": selectors.display_rows(drill, page.object_list),
        "page": page,
        "page_base": page_base,
        "previous_query": urlencode({**listed, **page.previous_query()}),
        "next_query": urlencode({**listed, **page.next_query()}),
        "query": query,
        "dashboard_query": urlencode({"unit": drill.unit.code, "year": drill.year}),
    }
    return render(request, "dashboard/drill_down.html", context)


@login_required
@require_GET
def drill_down_export(request, key):
    drill = _drill_down(request, key)
    frame = selectors.export_frame(drill)
    if drill.logged:
        _log_access(request, drill, drill.rows.values("pk"), "export")
    buffer = io.BytesIO()
    # Sheet names are at most 31 characters in Excel.
    frame.to_excel(buffer, index=False, sheet_name=drill.indicator.key[:31], engine="openpyxl")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = f"{drill.indicator.key}_{drill.unit.code}_{drill.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
