"""The admin base every record kind uses: grants decide, never model perms.

Django's model permissions would give a role everywhere or nowhere; here a
user may act on a record only where a grant of the right role covers its
unit. Lists, change pages, history, autocompletes, exports and imports all
go through the model's ``visible_to`` / ``editable_by``; a record outside
them answers 404 so its existence is not disclosed.
"""
from __future__ import annotations

from django.contrib import admin
from django.http import Http404
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .scoping import has_grant, units_in_scope


class ScopedAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    list_per_page = 50
    show_full_result_count = False  # one COUNT(*) less on national lists

    # --- what the user may see
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _scope(self):
        return self.model.scope

    def _may_read_kind(self, request) -> bool:
        user = request.user
        if has_grant(user, self._scope().read):
            return True
        # An officer reads records about themselves (access.md, "officer").
        return bool(self._scope().own) and hasattr(user, "officer")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._may_read_kind(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self._may_read_kind(request)
        return self.model.objects.visible_to(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        if not self._scope().write:
            return False
        if obj is None:
            return has_grant(request.user, self._scope().write)
        return self.model.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return bool(self._scope().write) and has_grant(request.user, self._scope().write)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self._may_read_kind(request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects with "doesn't exist"; a record outside the user's
        # grants must look exactly like one that does not exist: 404.
        raise Http404

    # --- what the user may pick on a form: only what they may write to
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related, "scope") and hasattr(related.objects, "editable_by"):
            if related._meta.model_name == "unit":
                kwargs["queryset"] = related.objects.filter(
                    pk__in=units_in_scope(request.user, self._scope().write)
                )
            else:
                kwargs["queryset"] = related.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only logs: nobody adds, changes or deletes through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
