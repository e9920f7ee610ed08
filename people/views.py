"""The officer's file (干部档案) and the officer's own records (本人信息).

Views stay thin: what a reader sees is decided in ``selectors``, writes go
through the domain services. An officer outside the reader's grants answers
404, the same as a staff number that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.dates import year_from_query
from integrity.models import AccessLog
from integrity.services import access_log_record
from personnel.models import Officer
from personnel.services import posting_create
from training.services import training_record_create

from . import selectors
from .forms import PostingForm, TrainingRecordForm


def _year(request, default: int) -> int:
    year, problem = year_from_query(request.GET.get("year"), default)
    if problem:
        messages.warning(request, problem)
    return year


def _render_file(request, officer, *, year, template, forms=None, status=200, extra=None):
    """Read the file, write the access log for the integrity records it
    shows (in the same transaction as the read), and render it."""
    access = request.access
    today = timezone.localdate()
    with transaction.atomic():
        file = selectors.officer_file(access, officer, year=year, today=today, page=request.GET.get("page"))
        for model, ids in file.logged().items():
            access_log_record(
                user=request.user, action=AccessLog.Action.VIEW, model=model, object_ids=ids, request=request
            )
    context = {"file": file, "officer": officer, "year": year, **(extra or {})}
    if file.editable:
        units = selectors.posting_units(access)
        forms = forms or {}
        context["training_form"] = forms.get("training") or TrainingRecordForm()
        context["posting_form"] = forms.get("posting") or PostingForm(units=units)
    return render(request, template, context, status=status)


@login_required
@require_GET
def officer_file(request, staff_no):
    officer = selectors.officer_or_404(request.access, staff_no)
    year = _year(request, timezone.localdate().year - 1)
    return _render_file(request, officer, year=year, template="people/officer_file.html")


def _editable_officer_or_404(request, staff_no) -> Officer:
    officer = selectors.officer_or_404(request.access, staff_no)
    if not selectors.may_edit_career(request.access, officer):
        raise Http404
    return officer


def _form_failed(request, officer, form, key):
    """The file again with the form's errors and what was typed."""
    year = timezone.localdate().year - 1
    return _render_file(request, officer, year=year, template="people/officer_file.html", forms={key: form}, status=400)


def _apply_errors(form, invalid: ValidationError) -> None:
    if hasattr(invalid, "error_dict"):
        for name, errors in invalid.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, invalid.messages)


@login_required
@require_POST
def training_add(request, staff_no):
    officer = _editable_officer_or_404(request, staff_no)
    form = TrainingRecordForm(request.POST)
    if not form.is_valid():
        return _form_failed(request, officer, form, "training")
    try:
        record = training_record_create(officer=officer, **form.cleaned_data, acting_user=request.user)
    except Officer.DoesNotExist:
        raise Http404 from None
    except ValidationError as invalid:
        _apply_errors(form, invalid)
        return _form_failed(request, officer, form, "training")
    messages.success(
        request,
        _("Training “%(course)s” from %(start)s, %(days)s days, added to the file of %(name)s.")
        % {"course": record.course, "start": record.start_date.isoformat(), "days": record.days, "name": officer.name},
    )
    return redirect(reverse("people:officer_file", args=[officer.staff_no]) + "#training")


@login_required
@require_POST
def posting_add(request, staff_no):
    officer = _editable_officer_or_404(request, staff_no)
    form = PostingForm(request.POST, units=selectors.posting_units(request.access))
    if not form.is_valid():
        return _form_failed(request, officer, form, "posting")
    try:
        posting = posting_create(officer=officer, **form.cleaned_data, acting_user=request.user)
    except Officer.DoesNotExist:
        raise Http404 from None
    except ValidationError as invalid:
        _apply_errors(form, invalid)
        return _form_failed(request, officer, form, "posting")
    messages.success(
        request,
        _("Posting “%(position)s” at %(unit)s from %(start)s added to the file of %(name)s.")
        % {
            "position": posting.position,
            "unit": posting.unit.name,
            "start": posting.start_date.isoformat(),
            "name": officer.name,
        },
    )
    return redirect(reverse("people:officer_file", args=[officer.staff_no]) + "#postings")


@login_required
@require_GET
def my_records(request):
    """The reader's own file, this year's training against the yearly
    minimum, and their own dossier."""
    officer = selectors.own_officer(request.user)
    if officer is None:
        return render(request, "people/no_record.html")
    today = timezone.localdate()
    return _render_file(
        request,
        officer,
        year=today.year,
        template="people/my_records.html",
        extra={"dossier_year": today.year - 1},
    )
