"""The admin of organisation units."""

from django.contrib import admin

from core.admin_base import ScopedAdmin
from core.importing.admin import RecordImportMixin

from .models import Unit
from .resources import UnitResource
from .services import unit_save


@admin.register(Unit)
class UnitAdmin(RecordImportMixin, ScopedAdmin):
    resource_classes = [UnitResource]
    list_display = ("code", "name", "kind", "parent", "supervisory_office")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "supervisory_office")
    list_select_related = ("parent", "supervisory_office")

    def save_model(self, request, obj, form, change):
        # The scope table must follow the tree in the same transaction.
        unit_save(unit=obj, acting_user=request.user)
