"""The security event log (read-only, hq supervision and superusers only), the
account admin that records who changed an account's flags and groups, and
the grants admin (superusers only) that gives and takes roles on units
through ``personnel.services``, so each change is logged with who made it."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import grant_create, grant_delete
from core.admin_base import DeclaredLookupsOnly, ReadOnlyAdmin
from org.access import request_access
from org.roles import Role
from org.scoping import sees_everything

from .models import DirectoryGrant, Grant, SecurityEvent, TwoFactorDevice
from .services import account_changes_record, account_snapshot, two_factor_device_delete


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "kind",
        "username",
        "actor_username",
        "role",
        "unit_code",
        "unit_name",
        "change_summary",
        "ip_address",
    )
    list_filter = ("kind",)
    search_fields = ("username", "actor_username", "unit_code")
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

    # Anyone else gets 404 for every page of the log: its existence and
    # contents are not theirs to learn.
    def changelist_view(self, request, extra_context=None):
        if not request_access(request).reads_security_logs():
            raise Http404
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if not request_access(request).reads_security_logs():
            raise Http404
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        raise Http404  # the log never changes, so it has no history

    @admin.display(description=_("change"))
    def change_summary(self, obj):
        parts = []
        for name, change in sorted(obj.changes.items()):
            if name == "source":
                parts.append(
                    _("from the directory: %(source)s")
                    % {
                        "source": DirectoryGrant.Source(change).label
                        if change in DirectoryGrant.Source.values
                        else change
                    }
                )
            elif name == "groups":
                if change.get("added"):
                    parts.append(_("groups added: %(names)s") % {"names": ", ".join(change["added"])})
                if change.get("removed"):
                    parts.append(_("groups removed: %(names)s") % {"names": ", ".join(change["removed"])})
            else:
                label = get_user_model()._meta.get_field(name).verbose_name
                parts.append(
                    _("%(field)s: %(before)s → %(after)s")
                    % {
                        "field": label,
                        "before": _yes_no(change[0]),
                        "after": _yes_no(change[1]),
                    }
                )
        return "; ".join(str(p) for p in parts)


def _yes_no(value) -> str:
    return str(_("yes") if value else _("no"))


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


class ConfirmedFilter(admin.BooleanFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("set up")


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """Authenticator devices, for a superuser to remove a lost one (the owner
    then sets up a new one at the next login). Nobody adds or edits one here,
    and the key is never shown: django-otp's own admin would show it."""

    # django-otp names its fields in English only: the columns are named here.
    list_display = ("account", "device_name", "device_confirmed", "created", "last_used")
    list_filter = (("confirmed", ConfirmedFilter),)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = list_display
    readonly_fields = fields

    @admin.display(description=_("account"), ordering="user__username")
    def account(self, obj):
        return obj.user

    @admin.display(description=_("device name"), ordering="name")
    def device_name(self, obj):
        return obj.name

    @admin.display(description=_("set up"), boolean=True, ordering="confirmed")
    def device_confirmed(self, obj):
        return obj.confirmed

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    def _superuser(self, request) -> bool:
        return sees_everything(request.user)

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if self._superuser(request) else qs.none()

    def delete_model(self, request, obj):
        two_factor_device_delete(device=obj, acting_user=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            self.delete_model(request, device)


@admin.register(Group)
class AccountGroupAdmin(DeclaredLookupsOnly, GroupAdmin):
    """Django's group admin under the project's rule for list lookups."""


class AccountPasswordChangeForm(AdminPasswordChangeForm):
    # Django appends this warning to the help text in English only.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


@admin.register(User)
class AccountAdmin(DeclaredLookupsOnly, UserAdmin):
    """Django's user admin, writing a security event for every change of an
    account's superuser, staff or active flag or of its groups, with who
    made it. The admin saves the account and then its groups, in one
    transaction; the snapshot is taken before the first and compared after
    the second."""

    change_password_form = AccountPasswordChangeForm

    def save_model(self, request, obj, form, change):
        request._account_before = account_snapshot(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        account_changes_record(
            user=form.instance, before=request._account_before, acting_user=request.user, request=request
        )


def _directory_mark(grant) -> DirectoryGrant | None:
    try:
        return grant.directory_source
    except DirectoryGrant.DoesNotExist:
        return None


def _from_directory(grant) -> bool:
    return grant.pk is not None and _directory_mark(grant) is not None


def _role_of(grant) -> Role:
    return Role(grant.permission.codename.removeprefix("role_"))


class GrantForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)

    class Meta:
        model = Grant
        fields = ("user", "role", "content_object")
        labels = {"user": _("account"), "content_object": _("unit")}


@admin.register(Grant)
class GrantAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """A grant is given or taken away, never edited; only a superuser manages
    grants (access.md: an administrator manages them in one place)."""

    form = GrantForm
    list_display = ("account", "role_label", "unit", "source_label")
    search_fields = ("user__username", "content_object__code", "content_object__name")
    autocomplete_fields = ("user", "content_object")
    list_select_related = ("user", "permission", "content_object", "directory_source")

    def _superuser(self, request) -> bool:
        return sees_everything(request.user)

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A grant from a directory is the directory's: it goes when the
        # account leaves the mapped group, never by hand here (the next login
        # would give it back anyway). Bulk deletion checks each grant too.
        if obj is not None and _from_directory(obj):
            return False
        return self._superuser(request)

    def get_queryset(self, request):
        qs = super().get_queryset(request).filter(permission__codename__startswith="role_")
        return qs if self._superuser(request) else qs.none()

    @admin.display(description=_("account"), ordering="user__username")
    def account(self, obj):
        return obj.user

    @admin.display(description=_("unit"), ordering="content_object__code")
    def unit(self, obj):
        return obj.content_object

    @admin.display(description=_("role"), ordering="permission__codename")
    def role_label(self, obj):
        return _role_of(obj).label

    # The label and value of the form's role field on the view-only page.
    role = role_label

    @admin.display(description=_("given by"))
    def source_label(self, obj):
        mark = _directory_mark(obj)
        return mark.get_source_display() if mark else _("an administrator")

    def save_model(self, request, obj, form, change):
        grant = grant_create(
            user=obj.user,
            role=form.cleaned_data["role"],
            unit=obj.content_object,
            acting_user=request.user,
            request=request,
        )
        obj.pk, obj.permission = grant.pk, grant.permission

    def delete_model(self, request, obj):
        if _from_directory(obj):
            raise PermissionDenied
        grant_delete(
            user=obj.user, role=_role_of(obj), unit=obj.content_object, acting_user=request.user, request=request
        )

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("user", "permission", "content_object"):
            self.delete_model(request, grant)
