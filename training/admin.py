from django.contrib import admin

from core.admin_base import ScopedAdmin
from core.importing.admin import RecordImportMixin
from personnel.admin import OfficerRecordAdmin

from .models import PoliticalWork, TrainingRecord
from .resources import PoliticalWorkResource, TrainingRecordResource


@admin.register(TrainingRecord)
class TrainingRecordAdmin(OfficerRecordAdmin):
    resource_classes = [TrainingRecordResource]
    list_display = ("officer_file", "course", "start_date", "end_date", "days", "mode")
    # Newest first: the record just added is on top.
    ordering = ("-start_date", "-pk")
    list_filter = ("mode",)
    search_fields = ("officer__staff_no", "officer__name", "course")
    date_hierarchy = "start_date"


@admin.register(PoliticalWork)
class PoliticalWorkAdmin(RecordImportMixin, ScopedAdmin):
    resource_classes = [PoliticalWorkResource]
    list_display = ("date", "unit", "title", "participants")
    search_fields = ("title", "unit__code", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    date_hierarchy = "date"
