"""The alert desk (supervision's queue of integrity-risk alerts), the
risk-point register of a unit, and case evidence.

Users without a supervision grant get 404 for the whole desk, and an alert
outside the user's scope (or about the user) answers 404 too. Every page
that shows alerts, complaints or cases writes the access log in the same
transaction as the read.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.evidence import evidence_response
from jobs.services import job_start
from org.models import Unit
from org.roles import Role
from org.scoping import has_grant, sees_everything, units_in_scope

from .models import AccessLog, Case, CaseEvidence, Complaint, RiskAlert
from .selectors import alert_queue, officer_context, risk_point_register
from .services import (
    AlertChanged,
    access_log_record,
    alert_close,
    alert_refer_to_case,
    alert_start_review,
    case_evidence_attach,
)
from .tasks import risk_scan


def _require_desk(user):
    if not has_grant(user, Role.SUPERVISION):
        raise Http404


class QueueFilter(forms.Form):
    rule = forms.ChoiceField(
        label=gettext_lazy("rule"), required=False, choices=[("", gettext_lazy("all"))] + RiskAlert.Rule.choices
    )
    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        required=False,
        choices=[("", gettext_lazy("open and in review"))] + RiskAlert.Status.choices,
    )
    unit = forms.CharField(label=gettext_lazy("unit code"), required=False, max_length=20)
    min_score = forms.IntegerField(label=gettext_lazy("minimum score"), required=False, min_value=0)


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    disposition = forms.ChoiceField(
        label=gettext_lazy("disposition"),
        choices=[
            (RiskAlert.Disposition.NO_ISSUE, RiskAlert.Disposition.NO_ISSUE.label),
            (RiskAlert.Disposition.ACTION_TAKEN, RiskAlert.Disposition.ACTION_TAKEN.label),
        ],
    )
    note = forms.CharField(label=gettext_lazy("note"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    case_no = forms.CharField(label=gettext_lazy("case number"), max_length=40)
    category = forms.ChoiceField(label=gettext_lazy("category"), choices=Case.Category.choices)
    opened_date = forms.DateField(label=gettext_lazy("opened date"))
    note = forms.CharField(label=gettext_lazy("note"), widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


@login_required
def alert_list(request):
    _require_desk(request.user)
    form = QueueFilter(request.GET or None)
    filters = {}
    unit = None
    if form.is_valid():
        data = form.cleaned_data
        if data["unit"]:
            # Only units the user covers: an unknown or foreign code lists
            # nothing rather than saying whether the unit exists.
            unit = Unit.objects.filter(code=data["unit"], pk__in=units_in_scope(request.user, Role.SUPERVISION)).first()
            if unit is None:
                messages.warning(request, _("No unit with code %(code)s in your scope.") % {"code": data["unit"]})
        filters = {"rule": data["rule"], "status": data["status"], "min_score": data["min_score"]}
    alerts = alert_queue(request.user, unit=unit, **filters)
    if form.is_valid() and form.cleaned_data["unit"] and unit is None:
        alerts = alerts.none()
    with transaction.atomic():
        page = Paginator(alerts, 50).get_page(request.GET.get("page"))
        access_log_record(
            user=request.user,
            action=AccessLog.Action.LIST,
            model=RiskAlert,
            object_ids=[a.pk for a in page.object_list],
            request=request,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "integrity/alert_list.html",
        {
            "title": _("Integrity-risk alerts"),
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
def alert_detail(request, pk):
    _require_desk(request.user)
    with transaction.atomic():
        alert = get_object_or_404(
            RiskAlert.objects.visible_to(request.user).select_related(
                "officer", "officer__unit", "unit", "case", "reviewer"
            ),
            pk=pk,
        )
        context = {
            "title": str(alert),
            "alert": alert,
            "editable": RiskAlert.objects.editable_by(request.user).filter(pk=pk).exists(),
        }
        access_log_record(
            user=request.user, action=AccessLog.Action.VIEW, model=RiskAlert, object_ids=[alert.pk], request=request
        )
        if alert.officer_id:
            records = officer_context(alert.officer, request.user)
            records = {name: list(qs) for name, qs in records.items()}
            for name, model in (("complaints", Complaint), ("cases", Case)):
                if records[name]:
                    access_log_record(
                        user=request.user,
                        action=AccessLog.Action.VIEW,
                        model=model,
                        object_ids=[r.pk for r in records[name]],
                        request=request,
                    )
            context.update(records)
    version = {"version": alert.version}
    context.update(
        {
            "history": alert.history.select_related("history_user").order_by("-history_date")[:20],
            "review_form": VersionForm(initial=version),
            "close_form": CloseForm(initial=version),
            "refer_form": ReferForm(initial={**version, "opened_date": timezone.localdate()}),
        }
    )
    return render(request, "integrity/alert_detail.html", context)


@login_required
@require_POST
def alert_action(request, pk, action):
    _require_desk(request.user)
    alert = get_object_or_404(RiskAlert.objects.editable_by(request.user), pk=pk)
    form_class = {"review": VersionForm, "close": CloseForm, "refer": ReferForm}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    back = redirect("integrity:alert_detail", pk=pk)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return back
    data = form.cleaned_data
    try:
        if action == "review":
            alert_start_review(alert=alert, version=data["version"], acting_user=request.user)
            messages.success(request, _("Review started."))
        elif action == "close":
            alert_close(
                alert=alert,
                version=data["version"],
                disposition=data["disposition"],
                note=data["note"],
                acting_user=request.user,
            )
            messages.success(request, _("Alert closed."))
        else:
            case = alert_refer_to_case(
                alert=alert,
                version=data["version"],
                case_no=data["case_no"],
                category=data["category"],
                opened_date=data["opened_date"],
                note=data["note"],
                acting_user=request.user,
            )
            messages.success(request, _("Case %(no)s opened from this alert.") % {"no": case.case_no})
    except AlertChanged as changed:
        messages.error(request, str(changed))
    except RiskAlert.DoesNotExist:
        raise Http404 from None
    except ValidationError as invalid:
        for error in invalid.messages:
            messages.error(request, error)
    return back


@login_required
def risk_register(request, code):
    """A unit's risk-point register. A unit the reader's register grants do
    not cover answers 404, as an unknown code does."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not request.access.may_read_risk_register(unit):
        raise Http404
    today = timezone.localdate()
    register = risk_point_register(request.user, unit, as_of=today)
    return render(
        request,
        "integrity/risk_register.html",
        {
            "title": _("Risk-point register: %(unit)s") % {"unit": unit.name},
            "unit": unit,
            "as_of": today,
            **register,
        },
    )


# --- Case evidence (佐证材料) -------------------------------------------------------


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("evidence file"))
    description = forms.CharField(label=gettext_lazy("file description"), required=False, max_length=200)


@login_required
def case_evidence(request, case_id):
    """A case's evidence: the list (a read of the case, logged) and, for
    supervision that may edit the case, the upload."""
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)
    editable = Case.objects.editable_by(request.user).filter(pk=case.pk).exists()
    form = EvidenceForm()
    if request.method == "POST":
        if not editable:
            raise Http404
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = case_evidence_attach(
                    case=case,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    acting_user=request.user,
                )
            except ValidationError as invalid:
                for error in invalid.messages:
                    messages.error(request, error)
            else:
                messages.success(
                    request,
                    _("%(name)s stored; SHA-256 %(hash)s.") % {"name": evidence.original_name, "hash": evidence.sha256},
                )
                return redirect("integrity:case_evidence", case_id=case.pk)
    with transaction.atomic():
        files = list(case.evidence.select_related("uploaded_by"))
        access_log_record(
            user=request.user, action=AccessLog.Action.VIEW, model=Case, object_ids=[case.pk], request=request
        )
        if files:
            access_log_record(
                user=request.user,
                action=AccessLog.Action.LIST,
                model=CaseEvidence,
                object_ids=[f.pk for f in files],
                request=request,
            )
    return render(
        request,
        "integrity/case_evidence.html",
        {
            "case": case,
            "files": files,
            "form": form,
            "editable": editable,
        },
    )


@login_required
@require_GET
def case_evidence_download(request, evidence_id):
    """One file of a case, to whoever may see the case; written to the
    access log in the same transaction as the read."""
    with transaction.atomic():
        evidence = get_object_or_404(CaseEvidence.objects.visible_to(request.user), pk=evidence_id)
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            model=CaseEvidence,
            object_ids=[evidence.pk],
            request=request,
        )
        return evidence_response(evidence)


@require_http_methods(["GET", "POST"])
@login_required
def scan_start(request):
    """Run the risk scan now, as a background job (the schedule runs it
    daily). It writes alerts across the service: superusers only."""
    if not sees_everything(request.user):
        raise Http404
    as_of = timezone.localdate()
    title = _("Integrity-risk scan at %(date)s") % {"date": as_of.isoformat()}
    if request.method == "POST":
        job_start(
            task=risk_scan,
            kind="risk_scan",
            title=title,
            scope=_("whole service"),
            params={"as_of": as_of.isoformat()},
            acting_user=request.user,
        )
        return redirect("jobs:list")
    return render(request, "jobs/start.html", {"title": title, "what": _("every rule over every officer and unit")})
