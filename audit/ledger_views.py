"""The rectification ledger's pages (整改台账): the ledger of a unit with its
filters and spreadsheet, an item with its workflow and evidence, a new item.

Every read goes through ``RectificationItem.objects.visible_to``: an item the
user may not see answers 404 like one that does not exist. Writes go through
``audit.services``; a step the user may see but not perform is refused with
a message (the item is theirs to see, so nothing is disclosed).
"""

from __future__ import annotations

import io

import openpyxl
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.dates import YEAR_MAX, YEAR_MIN
from core.evidence import evidence_response
from core.indicators import spreadsheet_value
from integrity.models import AccessLog, Inspection, RiskAlert
from integrity.services import access_log_record
from org.models import Unit
from org.scoping import units_in_scope
from personnel.models import Officer

from . import selectors, services
from .models import Finding, RectificationEvidence, RectificationItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLOURS = [
    ("green", gettext_lazy("green: more than the yellow threshold left")),
    ("yellow", gettext_lazy("yellow: deadline approaching")),
    ("red", gettext_lazy("red: deadline imminent or past")),
]


class LedgerFilter(forms.Form):
    unit = forms.CharField(label=gettext_lazy("unit code"), required=False, max_length=20)
    status = forms.ChoiceField(
        label=gettext_lazy("rectification status"),
        required=False,
        choices=[("", gettext_lazy("all"))] + RectificationItem.Status.choices,
    )
    colour = forms.ChoiceField(
        label=gettext_lazy("warning"), required=False, choices=[("", gettext_lazy("all"))] + COLOURS
    )
    source = forms.ChoiceField(
        label=gettext_lazy("source"),
        required=False,
        choices=[("", gettext_lazy("all"))] + RectificationItem.Source.choices,
    )
    year = forms.IntegerField(
        label=gettext_lazy("deadline year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )


def _ledger(request):
    """The filter form, the unit asked for (None: every unit the user sees)
    and the items."""
    form = LedgerFilter(request.GET or None)
    today = timezone.localdate()
    if not form.is_valid():
        if request.GET:
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return form, None, selectors.ledger_items(request.user, today=today)
    data = form.cleaned_data
    unit = None
    if data["unit"]:
        # Only units the user's ledger grants cover: an unknown or foreign
        # code lists nothing rather than saying whether the unit exists.
        unit = selectors.ledger_units(request.user).filter(code=data["unit"]).first()
        if unit is None:
            messages.warning(request, _("No unit with code %(code)s in your scope.") % {"code": data["unit"]})
            return form, None, RectificationItem.objects.none()
    items = selectors.ledger_items(
        request.user,
        unit=unit,
        status=data["status"],
        colour=data["colour"],
        source=data["source"],
        year=data["year"],
        today=today,
    )
    return form, unit, items


@login_required
@require_GET
def ledger(request):
    form, unit, items = _ledger(request)
    today = timezone.localdate()
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    rows = [(page.start_index() + n, item, item.colour(today)) for n, item in enumerate(page.object_list)]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/ledger.html",
        {
            "form": form,
            "unit": unit,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "may_create": selectors.ledger_may_create(request.user),
            "limits": settings.RECTIFICATION,
        },
    )


def ledger_columns():
    return [
        _("No."),
        _("Source of the problem"),
        _("Problem"),
        _("Rectification measures"),
        _("Responsible unit"),
        _("Responsible person"),
        _("Deadline"),
        _("Rectification status"),
        _("Closed-out date"),
        _("Warning"),
        _("Evidence files"),
    ]


@login_required
@require_GET
def ledger_export(request):
    _form, unit, items = _ledger(request)
    today = timezone.localdate()
    colours = dict(COLOURS)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Rectification ledger")[:31]
    columns = ledger_columns()
    sheet.append([_("Rectification ledger") + (f" — {unit.name}" if unit else "")])
    sheet.append([_("Printed on %(date)s") % {"date": today.isoformat()}])
    sheet.append(columns)
    for number, item in enumerate(items.prefetch_related("evidence"), start=1):
        colour = item.colour(today)
        sheet.append(
            [
                spreadsheet_value(v)
                for v in (
                    number,
                    item.get_source_display(),
                    item.description,
                    item.measures,
                    item.unit.name,
                    item.officer.name,
                    item.deadline,
                    item.get_status_display(),
                    item.closed_date,
                    str(colours[colour]) if colour else "",
                    len(item.evidence.all()),
                )
            ]
        )
    for column, width in zip("ABCDEFGHIJK", (6, 14, 40, 40, 18, 10, 12, 10, 12, 16, 8), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger_{unit.code if unit else "all"}.xlsx"'
    return response


class ReportForm(forms.Form):
    progress = forms.CharField(label=gettext_lazy("what was done"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason for return"), widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("evidence file"))
    description = forms.CharField(label=gettext_lazy("file description"), required=False, max_length=200)


def _source_link(item, user) -> tuple[str, str | None]:
    """What the page says about the source, and a link only where the user
    may see the source record (an alert is need-to-know)."""
    if item.finding_id and Finding.objects.visible_to(user).filter(pk=item.finding_id).exists():
        return str(item.finding.audit), None
    if item.alert_id and RiskAlert.objects.visible_to(user).filter(pk=item.alert_id).exists():
        return _("alert %(id)s") % {"id": item.alert_id}, f"/integrity/alerts/{item.alert_id}/"
    if item.inspection_id and Inspection.objects.visible_to(user).filter(pk=item.inspection_id).exists():
        return _("inspection of %(date)s") % {"date": item.inspection.date.isoformat()}, None
    return "", None


@login_required
@require_GET
def item_detail(request, item_id):
    item = get_object_or_404(
        RectificationItem.objects.visible_to(request.user).select_related("unit", "officer", "verifier"), pk=item_id
    )
    source_text, source_url = _source_link(item, request.user)
    responsible = services.rectification_is_responsible(item, request.user)
    return render(
        request,
        "audit/ledger_item.html",
        {
            "item": item,
            "colour": item.colour(timezone.localdate()),
            "source_text": source_text,
            "source_url": source_url,
            "evidence": item.evidence.select_related("uploaded_by"),
            "may_report": services.rectification_may_report(item, request.user),
            "may_upload": responsible and item.is_open,
            "may_verify": services.rectification_may_verify(item, request.user),
            "report_form": ReportForm(),
            "return_form": ReturnForm(),
            "upload_form": UploadForm(),
            "history": item.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@login_required
@require_POST
def item_action(request, item_id, action):
    item = get_object_or_404(RectificationItem.objects.visible_to(request.user), pk=item_id)
    form_class = {"report": ReportForm, "return": ReturnForm, "upload": UploadForm, "close": forms.Form}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, request.FILES)
    back = redirect("audit:ledger_item", item_id=item.pk)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return back
    data = form.cleaned_data
    try:
        if action == "report":
            services.rectification_report(item=item, progress=data["progress"], acting_user=request.user)
            messages.success(request, _("Reported for verification."))
        elif action == "return":
            services.rectification_return(item=item, reason=data["reason"], acting_user=request.user)
            messages.success(request, _("Returned to the responsible person."))
        elif action == "close":
            services.rectification_close(item=item, acting_user=request.user)
            messages.success(request, _("Verified and closed out."))
        else:
            evidence = services.rectification_attach(
                item=item, upload=data["file"], description=data["description"], acting_user=request.user
            )
            messages.success(
                request,
                _("%(name)s stored; SHA-256 %(hash)s.") % {"name": evidence.original_name, "hash": evidence.sha256},
            )
    except RectificationItem.DoesNotExist:
        raise Http404 from None
    except (services.LedgerChanged, PermissionDenied) as refused:
        messages.error(request, str(refused) or _("You may not perform this step."))
    except ValidationError as invalid:
        for error in invalid.messages:
            messages.error(request, error)
    return back


@login_required
@require_GET
def evidence_download(request, evidence_id):
    evidence = get_object_or_404(RectificationEvidence.objects.visible_to(request.user), pk=evidence_id)
    return evidence_response(evidence)


class NewItemForm(forms.Form):
    department = forms.ChoiceField(label=gettext_lazy("lead department"), choices=RectificationItem.Department.choices)
    unit = forms.CharField(label=gettext_lazy("responsible unit (code)"), max_length=20)
    officer = forms.CharField(label=gettext_lazy("responsible person (staff number)"), max_length=20)
    description = forms.CharField(
        label=gettext_lazy("problem"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    measures = forms.CharField(label=gettext_lazy("rectification measures"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label=gettext_lazy("rectification deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


SOURCES = {"finding": Finding, "inspection": Inspection, "alert": RiskAlert}
SOURCE_DEPARTMENTS = {
    "finding": RectificationItem.Department.AUDIT,
    "inspection": RectificationItem.Department.SUPERVISION,
    "alert": RectificationItem.Department.SUPERVISION,
}


def _source(request):
    """The source record named in the query (``?finding=ID`` etc.), among
    those the user may see; 404 otherwise, like a record that does not exist."""
    for name, model in SOURCES.items():
        raw = request.GET.get(name)
        if raw is not None:
            if not raw.isdigit():
                raise Http404
            return name, get_object_or_404(model.objects.visible_to(request.user), pk=int(raw))
    return "manual", None


def _initial(source_kind, source) -> dict:
    if source_kind == "finding":
        return {
            "department": "audit",
            "unit": source.audit.unit.code,
            "description": source.description,
            "deadline": source.deadline,
        }
    if source_kind == "inspection":
        return {"department": "supervision", "unit": source.unit.code, "description": source.note}
    if source_kind == "alert":
        return {"department": "supervision", "unit": (source.officer.unit if source.officer_id else source.unit).code}
    return {}


@login_required
def item_new(request):
    if not selectors.ledger_may_create(request.user):
        raise Http404
    with transaction.atomic():
        source_kind, source = _source(request)
        if source_kind == "alert":
            # The page names the alert: a read of a need-to-know record.
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW,
                model=RiskAlert,
                object_ids=[source.pk],
                request=request,
            )
    form = NewItemForm(request.POST or None, initial=_initial(source_kind, source))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # An item from a source belongs to the source's department, whatever the form says.
        department = SOURCE_DEPARTMENTS.get(source_kind, data["department"])
        units = Unit.objects.filter(pk__in=units_in_scope(request.user, department))
        unit = units.filter(code=data["unit"]).first()
        officer = Officer.objects.filter(staff_no=data["officer"], unit__in=units).first()
        try:
            if unit is None:
                raise ValidationError(_("No unit with code %(code)s in your scope.") % {"code": data["unit"]})
            if officer is None:
                raise ValidationError(_("No officer with staff number %(no)s in your scope.") % {"no": data["officer"]})
            common = {"officer": officer, "measures": data["measures"], "acting_user": request.user}
            if source_kind == "finding":
                item = services.rectification_create_from_finding(finding=source, deadline=data["deadline"], **common)
            elif source_kind == "inspection":
                item = services.rectification_create_from_inspection(
                    inspection=source, description=data["description"], deadline=data["deadline"], **common
                )
            elif source_kind == "alert":
                item = services.rectification_create_from_alert(
                    alert=source, unit=unit, description=data["description"], deadline=data["deadline"], **common
                )
            else:
                item = services.rectification_create(
                    department=department,
                    unit=unit,
                    description=data["description"],
                    deadline=data["deadline"],
                    **common,
                )
        except (ValidationError, PermissionDenied) as invalid:
            for error in getattr(invalid, "messages", [str(invalid)]):
                messages.error(request, error)
        except (Finding.DoesNotExist, Inspection.DoesNotExist, RiskAlert.DoesNotExist):
            raise Http404 from None
        else:
            messages.success(request, _("Rectification item %(id)s opened.") % {"id": item.pk})
            return redirect("audit:ledger_item", item_id=item.pk)
    return render(request, "audit/ledger_new.html", {"form": form, "source_kind": source_kind, "source": source})
