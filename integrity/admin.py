"""Admin of the supervision records.

Need-to-know kinds (``access_logged`` on the model) write an access-log row
for every list page, change page, history page, delete-confirmation page,
export and autocomplete answer they show, in the request's transaction
(ATOMIC_REQUESTS is off, so each view wraps its own).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import OfficerFileColumn, ReadOnlyAdmin, ScopedAdmin
from core.importing.admin import RecordImportMixin
from core.importing.engine import self_naming_message
from org.access import request_access
from org.scoping import units_in_scope
from personnel.models import Officer

from .models import (
    AccessLog,
    Case,
    CaseOfficer,
    Complaint,
    EnforcementStat,
    Inspection,
    IntegrityAppraisal,
    RiskAlert,
    RiskPoint,
    Survey,
)
from .resources import (
    AccessLoggedResource,
    CaseResource,
    ComplaintResource,
    EnforcementStatResource,
    InspectionResource,
    IntegrityAppraisalResource,
    RiskPointResource,
    SurveyResource,
)
from .services import access_log_record, is_access_logged


def _writable_officers(user, roles):
    return Officer.objects.filter(unit__in=units_in_scope(user, roles))


def refusing_self(form_class, user):
    """``form_class`` refusing an officer who is ``user`` themselves, up
    front and with one message, so that the model's uniqueness check never
    runs for them: it would tell whether a record about them, hidden from
    them, exists (docs/security.md, "No existence oracle")."""

    def clean_officer(self):
        officer = self.cleaned_data.get("officer")
        if officer is not None and user.is_authenticated and officer.user_id == user.pk:
            raise forms.ValidationError(self_naming_message())
        return officer

    return type(form_class.__name__, (form_class,), {"clean_officer": clean_officer})


class SupervisionAdmin(RecordImportMixin, ScopedAdmin):
    """ScopedAdmin plus the access log and officer pickers for supervision.

    Supervision does not *edit* officers (that is HR's), so the generic
    "pick only what you may edit" rule would leave it no officer to name;
    it may name any officer whose current unit its write grant covers.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("officer", "responsible_leader"):
            kwargs["queryset"] = _writable_officers(request.user, self._scope().write)
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if is_access_logged(self.model) and "officer" in form.base_fields:
            form = refusing_self(form, request.user)
        return form

    def _log(self, request, action, ids):
        if is_access_logged(self.model):
            access_log_record(user=request.user, action=action, model=self.model, object_ids=ids, request=request)

    def changelist_view(self, request, extra_context=None):
        with transaction.atomic():
            response = super().changelist_view(request, extra_context)
            # A redirect (a filter or page the list could not use) shows nothing.
            cl = (getattr(response, "context_data", None) or {}).get("cl")
            if cl is not None:
                self._log(request, AccessLog.Action.LIST, [obj.pk for obj in cl.result_list])
            return response

    def _object_view(self, view, request, object_id, *args, **kwargs):
        with transaction.atomic():
            response = view(request, object_id, *args, **kwargs)
            if response.status_code == 200 and object_id:
                self._log(request, AccessLog.Action.VIEW, [object_id])
            return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._object_view(super().change_view, request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        # The confirmation page shows the record; the delete itself (a
        # redirect) is in the record's history.
        return self._object_view(super().delete_view, request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # ScopedAdmin.history_view already answers 404 for a record outside
        # the grants (and for an id that is not a number at all).
        return self._object_view(super().history_view, request, object_id, extra_context)

    def get_export_resource_kwargs(self, request, **kwargs):
        resource_kwargs = super().get_export_resource_kwargs(request, **kwargs)
        if any(issubclass(r, AccessLoggedResource) for r in self.get_export_resource_classes(request)):
            resource_kwargs.update(acting_user=request.user, request=request)
        return resource_kwargs

    def log_export(self, request, queryset, resource):
        # A kind whose resource logs its own exports (every export path goes
        # through it) is not logged twice.
        if not isinstance(resource, AccessLoggedResource):
            self._log(request, AccessLog.Action.EXPORT, queryset.values_list("pk", flat=True))


class AccessLoggedAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete (served at its usual URL, config/urls.py):
    the records it offers of a need-to-know kind (a case picked on an
    alert, say) are a read like a list page, so they are logged; an answer
    offering nothing shows no record and is not."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.shown = [obj.pk for obj in context["object_list"]]
        return context

    def get(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().get(request, *args, **kwargs)
            model = self.model_admin.model
            if is_access_logged(model) and self.shown:
                access_log_record(
                    user=request.user, action=AccessLog.Action.LIST, model=model, object_ids=self.shown, request=request
                )
            return response


class CaseOfficerInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            # A case naming nobody would be in nobody's scope.
            raise forms.ValidationError(_("Name at least one officer involved in the case."))


class CaseOfficerInline(OfficerFileColumn, admin.TabularInline):
    model = CaseOfficer
    formset = CaseOfficerInlineFormSet
    extra = 1
    autocomplete_fields = ("officer",)
    readonly_fields = ("officer_file",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("officer", "responsible_leader"):
            kwargs["queryset"] = _writable_officers(request.user, Case.scope.write)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = refusing_self(formset.form, request.user)
        return formset

    def _case_editable(self, request, obj):
        return obj is None or Case.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return True  # the parent page already decided the case is visible

    def has_add_permission(self, request, obj=None):
        return self._case_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._case_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._case_editable(request, obj)


class _OfficerOutcomeFilter(admin.SimpleListFilter):
    """The cases naming at least one officer with the chosen value. A
    declared filter of its own: the admin base never follows a reverse
    relation from a list (core.admin_base.DeclaredLookupsOnly), and the
    officers named are the case's own rows, which its reader sees anyway."""

    field = ""

    def lookups(self, request, model_admin):
        return CaseOfficer._meta.get_field(self.field).choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(pk__in=CaseOfficer.objects.filter(**{self.field: value}).values("case_id"))


class OfficerCategoryFilter(_OfficerOutcomeFilter):
    title = _("category of an officer named")
    parameter_name = field = "category"


class OfficerStatusFilter(_OfficerOutcomeFilter):
    title = _("status of an officer named")
    parameter_name = field = "status"


class CaseForm(forms.ModelForm):
    """The case number is checked against the cases the user can see only
    (docs/security.md, "No existence oracle")."""

    user = None  # set per request by CaseAdmin.get_form

    def clean_case_no(self):
        case_no = (self.cleaned_data.get("case_no") or "").strip()
        if not case_no:
            return case_no
        others = Case.objects.visible_to(self.user).filter(case_no=case_no)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Case number %(no)s is already used by a case you can see.") % {"no": case_no}
            )
        return case_no


@admin.register(Case)
class CaseAdmin(SupervisionAdmin):
    # One row per officer involved: the import writes the cases and their
    # links (integrity.resources.CaseResource).
    resource_classes = [CaseResource]
    # Category, status and sanction are each officer's (the inline); the
    # list shows, per case, the officers' values and filters the cases
    # naming someone with the value chosen.
    list_display = ("case_no", "opened_date", "unit", "categories", "statuses", "officer_count")
    list_filter = (OfficerCategoryFilter, OfficerStatusFilter)
    list_select_related = ("unit",)
    search_fields = ("case_no", "summary")
    date_hierarchy = "opened_date"
    inlines = [CaseOfficerInline]
    readonly_fields = ("source_alerts",)
    form = CaseForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("involved")

    @staticmethod
    def _labels(obj, name):
        """The distinct values the case's officers have, as labels, in the
        order of the choices."""
        given = {getattr(link, name) for link in obj.involved.all()}
        choices = CaseOfficer._meta.get_field(name).choices
        return ", ".join(str(label) for code, label in choices if code in given) or "-"

    @admin.display(description=_("categories"))
    def categories(self, obj):
        return self._labels(obj, "category")

    @admin.display(description=_("statuses"))
    def statuses(self, obj):
        return self._labels(obj, "status")

    @admin.display(description=_("officers involved"))
    def officer_count(self, obj):
        return len(obj.involved.all())

    @admin.display(description=_("from alerts"))
    def source_alerts(self, obj):
        # Rule and number only: the officer is already on this page, and the
        # desk checks visibility again when the link is followed.
        alerts = obj.alerts.order_by("pk") if obj and obj.pk else RiskAlert.objects.none()
        return (
            format_html_join(
                ", ",
                '<a href="{}">{} #{}</a>',
                ((reverse("integrity:alert_detail", args=[a.pk]), a.get_rule_display(), a.pk) for a in alerts),
            )
            or "-"
        )


class OfficerRecordAdmin(OfficerFileColumn, SupervisionAdmin):
    autocomplete_fields = ("officer",)
    search_fields = ("officer__staff_no", "officer__name")
    list_select_related = ("officer",)


@admin.register(Complaint)
class ComplaintAdmin(OfficerRecordAdmin):
    resource_classes = [ComplaintResource]
    list_display = ("officer_file", "received_date", "substantiated")
    list_filter = ("substantiated",)
    date_hierarchy = "received_date"


@admin.register(EnforcementStat)
class EnforcementStatAdmin(OfficerRecordAdmin):
    resource_classes = [EnforcementStatResource]
    list_display = ("officer_file", "month", "declarations", "overrides")
    date_hierarchy = "month"


@admin.register(IntegrityAppraisal)
class IntegrityAppraisalAdmin(OfficerFileColumn, SupervisionAdmin):
    resource_classes = [IntegrityAppraisalResource]
    list_display = ("year", "unit", "officer_file", "result")
    list_filter = ("year", "result")
    search_fields = ("unit__code", "unit__name", "officer__staff_no", "officer__name")
    autocomplete_fields = ("unit", "officer")
    list_select_related = ("unit", "officer")


@admin.register(Inspection)
class InspectionAdmin(SupervisionAdmin):
    resource_classes = [InspectionResource]
    list_display = ("unit", "date", "passed")
    list_filter = ("passed",)
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    date_hierarchy = "date"


@admin.register(Survey)
class SurveyAdmin(SupervisionAdmin):
    resource_classes = [SurveyResource]
    list_display = ("unit", "year", "respondents", "satisfied")
    list_filter = ("year",)
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)


@admin.register(RiskPoint)
class RiskPointAdmin(SupervisionAdmin):
    resource_classes = [RiskPointResource]
    list_display = ("unit", "post", "name", "level", "responsible_leader", "last_reviewed")
    list_filter = ("level",)
    search_fields = ("unit__code", "unit__name", "post", "name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit", "responsible_leader")
    date_hierarchy = "last_reviewed"


@admin.register(RiskAlert)
class RiskAlertAdmin(ReadOnlyAdmin, SupervisionAdmin):
    """Read-only here: alerts change only through the alert desk's actions,
    which keep the lifecycle and the concurrency check."""

    list_display = ("rule", "subject_label", "score", "status", "disposition", "as_of", "desk_link")
    list_filter = ("rule", "status", "disposition")
    search_fields = ("officer__staff_no", "officer__name", "unit__code", "unit__name")
    list_select_related = ("officer", "unit")

    @admin.display(description=_("subject"))
    def subject_label(self, obj):
        return obj.subject_label

    @admin.display(description=_("alert desk"))
    def desk_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("integrity:alert_detail", args=[obj.pk]), _("open"))


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "record_kind", "record_count", "object_ids", "ip_address", "path")
    list_filter = ("action", "record_kind")
    search_fields = ("username", "object_ids", "path")
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_staff and request_access(request).reads_security_logs()

    def has_view_permission(self, request, obj=None):
        return request_access(request).reads_security_logs()

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request_access(request).reads_security_logs() else qs.none()

    def get_actions(self, request):
        return {}  # no bulk delete, even for superusers
