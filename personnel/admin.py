from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_base import OfficerFileColumn, ScopedAdmin, officer_file_link
from core.importing.admin import RecordImportMixin
from org.scoping import sees_everything

from .models import LeaderAppraisal, Officer, Posting, ReserveCadre
from .resources import LeaderAppraisalResource, OfficerResource, PostingResource, ReserveCadreResource


@admin.register(Officer)
class OfficerAdmin(RecordImportMixin, ScopedAdmin):
    resource_classes = [OfficerResource]
    list_display = (
        "staff_no",
        "name",
        "unit",
        "rank_level",
        "is_leader",
        "position",
        "hire_date",
        "leave_date",
        "officer_file",
    )
    list_filter = ("rank_level", "is_leader", "gender")
    search_fields = ("staff_no", "name", "position")
    exact_search_field = "staff_no"
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # Linking an account to an officer lets that account read the
        # officer's records as "their own", so only a superuser may do it.
        fields = super().get_readonly_fields(request, obj)
        if not sees_everything(request.user):
            fields = (*fields, "user")
        return fields

    date_hierarchy = "hire_date"

    @admin.display(description=_("officer's file"))
    def officer_file(self, obj):
        return officer_file_link(obj)


class OfficerRecordAdmin(OfficerFileColumn, RecordImportMixin, ScopedAdmin):
    autocomplete_fields = ("officer",)
    search_fields = ("officer__staff_no", "officer__name")
    # A staff number finds its officer's records through the unique index;
    # a name or a part of a number is looked up among the officers first.
    exact_search_field = "officer__staff_no"
    search_through = "officer"
    list_select_related = ("officer",)


@admin.register(Posting)
class PostingAdmin(OfficerRecordAdmin):
    resource_classes = [PostingResource]
    list_display = (
        "officer_file",
        "unit",
        "position",
        "start_date",
        "end_date",
        "leadership",
        "grassroots",
        "post_risk",
    )
    # Newest first: the record just added is on top.
    ordering = ("-start_date", "-pk")
    list_filter = ("leadership", "grassroots", "post_risk")
    autocomplete_fields = ("officer", "unit")
    list_select_related = ("officer", "unit")


@admin.register(ReserveCadre)
class ReserveCadreAdmin(OfficerRecordAdmin):
    resource_classes = [ReserveCadreResource]
    list_display = ("officer_file", "level", "added_date", "removed_date")
    ordering = ("-added_date", "-pk")
    list_filter = ("level",)


@admin.register(LeaderAppraisal)
class LeaderAppraisalAdmin(OfficerRecordAdmin):
    resource_classes = [LeaderAppraisalResource]
    list_display = ("year", "officer_file", "grade", "score")
    list_filter = ("year", "grade")
