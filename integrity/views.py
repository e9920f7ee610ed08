"""The risk-point register of a unit, and case evidence (the alert desk is
``integrity.alert_views``).

Every page that shows cases writes the access log in the same transaction
as the read.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.evidence import evidence_response
from org.models import Unit

from .models import AccessLog, Case, CaseEvidence
from .selectors import risk_point_register
from .services import (
    access_log_record,
    case_evidence_attach,
)


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
