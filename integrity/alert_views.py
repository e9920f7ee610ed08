"""The alert review desk: the queue (filters, sorting, paging, bulk
assignment and review) and the review page of one alert.

Only supervision sees the desk; everyone else gets 404 for every page of
it, and an alert outside the reader's grants (or about the reader) answers
404 as one that does not exist. Every page that shows alerts, complaints,
cases or enforcement statistics writes the access log in the same
transaction as the read. A form that fails is shown again with what was
typed and the reason in plain words; nothing is written.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jobs.services import job_start
from org.access import request_access
from org.scoping import sees_everything

from .alert_selectors import (
    DEFAULT_SORT,
    SORTS,
    STATUS_ALL,
    alert_history,
    alert_or_none,
    case_rate_evidence,
    complaint_evidence,
    officer_cases,
    outlier_evidence,
    queue_units,
    review_queue,
    reviewers,
    rotation_evidence,
    rule_in_words,
    score_parts,
    unit_paths,
)
from .models import AccessLog, Case, CaseOfficer, Complaint, EnforcementStat, RiskAlert
from .services import (
    AlertChanged,
    access_log_record,
    alert_assign,
    alert_bulk_assign,
    alert_bulk_start_review,
    alert_close,
    alert_note_add,
    alert_refer_to_case,
    alert_start_review,
)
from .tasks import risk_scan

PAGE_SIZE = 25
DATE_HELP = gettext_lazy("Write the date as YYYY-MM-DD, for example 2026-12-31.")


def _desk(request):
    access = request_access(request)
    if not access.may_see_alerts():
        raise Http404
    return access


def _date_field(label, *, required):
    return forms.DateField(
        label=label,
        required=required,
        # ISO whatever the language: a date input takes no other format.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": DATE_HELP, "required": gettext_lazy("Enter the date.")},
    )


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


# --- Forms ----------------------------------------------------------------------------


class QueueFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("search"), required=False, max_length=100)
    rule = forms.ChoiceField(
        label=gettext_lazy("rule"), required=False, choices=[("", gettext_lazy("all rules"))] + RiskAlert.Rule.choices
    )
    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        required=False,
        choices=[("", gettext_lazy("open and in review"))]
        + RiskAlert.Status.choices
        + [(STATUS_ALL, gettext_lazy("all"))],
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("unit"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=gettext_lazy("all units in my scope"),
        error_messages={"invalid_choice": gettext_lazy("Choose a unit from the list.")},
    )
    min_score = forms.IntegerField(label=gettext_lazy("score at least"), required=False, min_value=0)
    min_age = forms.IntegerField(label=gettext_lazy("raised at least (days ago)"), required=False, min_value=0)
    assignee = forms.ChoiceField(label=gettext_lazy("assigned to"), required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, access, paths, people, **kwargs):
        super().__init__(*args, **kwargs)
        units = self.fields["unit"]
        units.queryset = queue_units(access)
        units.label_from_instance = lambda unit: paths.get(unit.pk, unit.name)
        self.fields["assignee"].choices = [
            ("", _("anyone")),
            ("none", _("nobody yet")),
            ("me", _("me")),
        ] + [(str(user.pk), user.get_full_name() or user.get_username()) for user in people]
        self.fields["sort"].choices = [("", "")] + [(f"{s}{key}", key) for key in SORTS for s in ("", "-")]


class BulkForm(forms.Form):
    ASSIGN, REVIEW = "assign", "review"
    bulk_action = forms.ChoiceField(
        label=gettext_lazy("with the selected alerts"),
        choices=[(ASSIGN, gettext_lazy("assign")), (REVIEW, gettext_lazy("start review"))],
    )
    assignee = ReviewerField(
        label=gettext_lazy("assign to"), queryset=None, required=False, empty_label=gettext_lazy("choose a reviewer")
    )
    due_date = _date_field(gettext_lazy("review due by"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, auto_id="bulk_%s", label_suffix="", **kwargs)
        self.fields["assignee"].queryset = people

    def clean(self):
        data = super().clean()
        if data.get("bulk_action") == self.ASSIGN and not data.get("assignee") and "assignee" not in self.errors:
            self.add_error("assignee", _("Choose whom to assign the alerts to."))
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(VersionForm):
    assignee = ReviewerField(
        label=gettext_lazy("assign to"), queryset=None, required=False, empty_label=gettext_lazy("nobody")
    )
    due_date = _date_field(gettext_lazy("review due by"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


class NoteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("note"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(VersionForm):
    disposition = forms.ChoiceField(
        label=gettext_lazy("disposition"),
        choices=[
            (RiskAlert.Disposition.NO_ISSUE, RiskAlert.Disposition.NO_ISSUE.label),
            (RiskAlert.Disposition.ACTION_TAKEN, RiskAlert.Disposition.ACTION_TAKEN.label),
        ],
    )
    note = forms.CharField(label=gettext_lazy("what was checked or done"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferForm(VersionForm):
    case_no = forms.CharField(label=gettext_lazy("case number"), max_length=40)
    category = forms.ChoiceField(
        label=gettext_lazy("category"),
        choices=CaseOfficer.Category.choices,
        help_text=gettext_lazy("The officer's own category in the case; others named later get theirs."),
    )
    opened_date = _date_field(gettext_lazy("opened date"), required=True)
    note = forms.CharField(label=gettext_lazy("why it is referred"), widget=forms.Textarea(attrs={"rows": 3}))


# Each form of the review page has its own element ids (``<action>_<field>``).
ACTION_FORMS = {"review": VersionForm, "assign": AssignForm, "note": NoteForm, "close": CloseForm, "refer": ReferForm}


def _form(action, data=None, *, people, initial=None):
    form_class = ACTION_FORMS[action]
    kwargs = {"auto_id": f"{action}_%s", "initial": initial, "label_suffix": ""}
    if form_class is AssignForm:
        kwargs["people"] = people
    return form_class(data, **kwargs)


def _put_errors(form, invalid: ValidationError):
    if hasattr(invalid, "error_dict"):
        for field, errors in invalid.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, invalid)


# --- The queue ---------------------------------------------------------------------------


def _headers(sort: str, query) -> list[dict]:
    """The sortable columns: each links to its ascending order, or to the
    descending one when it is the current ascending sort."""
    labels = {
        "score": _("score"),
        "rule": _("rule"),
        "unit": _("unit"),
        "age": _("raised on"),
        "assignee": _("assigned to"),
        "due": _("due by"),
    }
    headers = []
    for key, label in labels.items():
        state = "asc" if sort == key else "desc" if sort == f"-{key}" else ""
        wanted = f"-{key}" if state == "asc" else key
        params = query.copy()
        params["sort"] = wanted
        params.pop("page", None)
        headers.append({"key": key, "label": label, "state": state, "query": params.urlencode()})
    return headers


def _selected_versions(post) -> dict[int, int]:
    """{alert id: version} of the ticked rows (each row posts its version)."""
    versions = {}
    for value in post.getlist("alert"):
        version = post.get(f"v{value}", "")
        if value.isdigit() and version.isdigit():
            versions[int(value)] = int(version)
    return versions


@login_required
def alert_list(request):
    access = _desk(request)
    paths = unit_paths()
    people = reviewers(access)
    form = QueueFilter(request.GET, access=access, paths=paths, people=people)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    sort = data.get("sort") or DEFAULT_SORT
    alerts = review_queue(
        access,
        rule=data.get("rule", ""),
        status=data.get("status", ""),
        unit=data.get("unit"),
        min_score=data.get("min_score"),
        min_age_days=data.get("min_age"),
        assignee=data.get("assignee", ""),
        search=data.get("q", ""),
        sort=sort,
    )
    if not valid:
        # A filter that cannot be read lists nothing rather than everything.
        alerts = alerts.none()
    bulk = BulkForm(people=people)
    if request.method == "POST":
        bulk = BulkForm(request.POST, people=people)
        versions = _selected_versions(request.POST)
        if not versions:
            bulk.add_error(None, _("Tick at least one alert in the list."))
        if bulk.is_valid():
            try:
                if bulk.cleaned_data["bulk_action"] == BulkForm.ASSIGN:
                    done = alert_bulk_assign(
                        versions=versions,
                        assignee=bulk.cleaned_data["assignee"],
                        due_date=bulk.cleaned_data["due_date"],
                        acting_user=request.user,
                    )
                    messages.success(
                        request,
                        _("%(n)s alerts assigned to %(user)s.")
                        % {"n": len(done), "user": bulk.cleaned_data["assignee"]},
                    )
                else:
                    done = alert_bulk_start_review(versions=versions, acting_user=request.user)
                    messages.success(request, _("Review started for %(n)s alerts.") % {"n": len(done)})
                return redirect(f"{reverse('integrity:alert_list')}?{request.GET.urlencode()}")
            except RiskAlert.DoesNotExist:
                raise Http404 from None
            except AlertChanged as changed:
                bulk.add_error(None, str(changed))
            except ValidationError as invalid:
                _put_errors(bulk, invalid)
    with transaction.atomic():
        page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        access_log_record(
            user=request.user,
            action=AccessLog.Action.LIST,
            model=RiskAlert,
            object_ids=[a.pk for a in rows],
            request=request,
        )
    today = timezone.localdate()
    for alert in rows:
        alert.unit_path = paths.get(alert.officer.unit_id if alert.officer_id else alert.unit_id, "")
        alert.age_days = (today - alert.raised_on).days
        alert.overdue = bool(alert.due_date and alert.due_date < today and alert.status != RiskAlert.Status.CLOSED)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "integrity/alert_list.html",
        {
            "title": _("Integrity-risk alerts"),
            "form": form,
            "bulk": bulk,
            "page": page,
            "rows": rows,
            "headers": _headers(sort, request.GET.copy()),
            "query": query.urlencode(),
            "selected": {str(pk) for pk in _selected_versions(request.POST)} if request.method == "POST" else set(),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The review page ------------------------------------------------------------------------


def _evidence(alert, access, paths) -> dict:
    """The facts that fired the alert and the records the page shows, with
    the access-log rows they need."""
    user = access.user
    context = {"rotation": [], "outlier": None, "complaints": [], "case_rate": None, "cases": []}
    if alert.rule == RiskAlert.Rule.ROTATION_OVERDUE:
        context["rotation"] = rotation_evidence(alert, paths)
    elif alert.rule == RiskAlert.Rule.ENFORCEMENT_OUTLIER:
        context["outlier"] = outlier_evidence(alert)
    elif alert.rule == RiskAlert.Rule.REPEATED_COMPLAINTS:
        context["complaints"] = complaint_evidence(alert, user)
    else:
        context["case_rate"] = case_rate_evidence(alert, user)
    if alert.officer_id:
        context["cases"] = officer_cases(alert, user)
    logged = [
        (RiskAlert, [alert.pk]),
        (Complaint, [c.pk for c in context["complaints"]]),
        (
            Case,
            [link.case_id for link in context["cases"]] + [c.pk for c in (context["case_rate"] or {}).get("cases", [])],
        ),
        (EnforcementStat, [m["pk"] for m in context["outlier"].months] if context["outlier"] else []),
    ]
    return context, logged


def _subject_unit(alert):
    return alert.officer.unit if alert.officer_id else alert.unit


def _render_detail(request, access, alert, *, bound=None, status=200):
    paths = unit_paths()
    people = reviewers(access, covering=_subject_unit(alert))
    with transaction.atomic():
        evidence, logged = _evidence(alert, access, paths)
        for model, ids in logged:
            if ids:
                access_log_record(
                    user=request.user, action=AccessLog.Action.VIEW, model=model, object_ids=ids, request=request
                )
    version = {"version": alert.version}
    initial = {
        "review": version,
        "assign": {**version, "assignee": alert.assignee_id, "due_date": alert.due_date},
        "note": None,
        "close": version,
        "refer": {**version, "opened_date": timezone.localdate()},
    }
    action_forms = {
        action: bound
        if bound is not None and bound.auto_id == f"{action}_%s"
        else _form(action, people=people, initial=initial[action])
        for action in ACTION_FORMS
    }
    subject_unit = _subject_unit(alert).pk
    context = {
        "title": str(alert),
        "alert": alert,
        "rule_words": rule_in_words(alert.rule),
        "score_parts": score_parts(alert),
        "unit_path": paths.get(subject_unit, ""),
        "editable": RiskAlert.objects.editable_by(request.user).filter(pk=alert.pk).exists(),
        "notes": list(alert.notes.select_related("author")),
        "history": alert_history(alert),
        "forms": action_forms,
        "today": timezone.localdate(),
        **evidence,
    }
    return render(request, "integrity/alert_detail.html", context, status=status)


@login_required
def alert_detail(request, pk):
    access = _desk(request)
    alert = alert_or_none(access, pk)
    if alert is None:
        raise Http404
    return _render_detail(request, access, alert)


@login_required
def alert_action(request, pk, action):
    """One action of the review page (POST). On success back to the page; on
    a refusal the page again, with the form as typed and why."""
    access = _desk(request)
    alert = alert_or_none(access, pk)
    if alert is None or action not in ACTION_FORMS:
        raise Http404
    if request.method != "POST":
        # The address of a form shown again after a refusal (the language
        # switch returns to it): the page itself.
        return redirect("integrity:alert_detail", pk=pk)
    if not RiskAlert.objects.editable_by(request.user).filter(pk=pk).exists():
        raise Http404
    form = _form(action, request.POST, people=reviewers(access, covering=_subject_unit(alert)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            _perform(request, alert, action, data)
        except RiskAlert.DoesNotExist:
            raise Http404 from None
        except AlertChanged as changed:
            form.add_error(None, str(changed))
        except ValidationError as invalid:
            _put_errors(form, invalid)
        else:
            return redirect("integrity:alert_detail", pk=pk)
    return _render_detail(request, access, alert, bound=form, status=400)


def _perform(request, alert, action, data):
    user = request.user
    if action == "review":
        alert_start_review(alert=alert, version=data["version"], acting_user=user)
        messages.success(request, _("Review started."))
    elif action == "assign":
        alert_assign(
            alert=alert, version=data["version"], assignee=data["assignee"], due_date=data["due_date"], acting_user=user
        )
        messages.success(request, _("Assignment saved."))
    elif action == "note":
        alert_note_add(alert=alert, text=data["text"], acting_user=user)
        messages.success(request, _("Note added."))
    elif action == "close":
        alert_close(
            alert=alert, version=data["version"], disposition=data["disposition"], note=data["note"], acting_user=user
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
            acting_user=user,
        )
        messages.success(request, _("Case %(no)s opened from this alert.") % {"no": case.case_no})


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
