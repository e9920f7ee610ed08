"""The admin of the import log (superusers only)."""

from django.contrib import admin

from org.scoping import sees_everything

from .admin_base import ReadOnlyAdmin
from .models import ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "user",
        "kind",
        "file_name",
        "dry_run",
        "succeeded",
        "created",
        "updated",
        "unchanged",
        "error_count",
    )
    list_filter = ("kind", "succeeded", "dry_run")
    search_fields = ("file_name", "user__username")

    def has_module_permission(self, request):
        return sees_everything(request.user)

    def has_view_permission(self, request, obj=None):
        return sees_everything(request.user)
