from django.contrib import admin

from core.admin_base import OfficerFileColumn, ScopedAdmin
from core.importing.admin import RecordImportMixin

from .models import Audit, Finding, InternalControl
from .resources import AuditResource, FindingResource, InternalControlResource
from .services import audit_save, finding_save, internal_control_save


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ("description", "deadline", "status")

    # Inline rows follow their audit's grants (the audit page is already
    # scoped); only writers may add or change them.
    def _may_write(self, request, obj):
        if obj is None:
            return True
        return Audit.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Audit)
class AuditAdmin(OfficerFileColumn, RecordImportMixin, ScopedAdmin):
    resource_classes = [AuditResource]
    list_display = (
        "audit_no",
        "kind",
        "unit",
        "officer_file",
        "period_start",
        "period_end",
        "completed_date",
        "finding_count",
    )
    list_filter = ("kind",)
    search_fields = ("audit_no", "unit__code", "unit__name", "officer__staff_no", "officer__name")
    autocomplete_fields = ("unit", "officer")
    list_select_related = ("unit", "officer")
    date_hierarchy = "period_end"
    inlines = [FindingInline]

    def save_model(self, request, obj, form, change):
        audit_save(audit=obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for finding in formset.deleted_objects:
            finding.delete()
        for finding in instances:
            finding_save(finding=finding, acting_user=request.user)


@admin.register(Finding)
class FindingAdmin(RecordImportMixin, ScopedAdmin):
    resource_classes = [FindingResource]
    list_display = ("audit", "description", "deadline", "status")
    list_filter = ("status",)
    search_fields = ("audit__audit_no", "description", "audit__unit__code")
    autocomplete_fields = ("audit",)
    list_select_related = ("audit",)
    date_hierarchy = "deadline"

    def save_model(self, request, obj, form, change):
        finding_save(finding=obj, acting_user=request.user)


@admin.register(InternalControl)
class InternalControlAdmin(RecordImportMixin, ScopedAdmin):
    resource_classes = [InternalControlResource]
    list_display = ("unit", "established_date")
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)

    def save_model(self, request, obj, form, change):
        internal_control_save(control=obj, acting_user=request.user)
