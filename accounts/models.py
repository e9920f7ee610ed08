"""The security event log: logins, failed logins, lockouts, logouts and every
change of what an account may do (grants, superuser/staff/active flags,
groups), with who made the change.

Append-only like the integrity access log: the admin offers no change or
delete, and database triggers (migration 0002) refuse UPDATE, DELETE, an
INSERT that would replace an existing row (SQLite's REPLACE) and, on
PostgreSQL, TRUNCATE. Accounts are PROTECTed so that deleting one cannot
erase its trail; deactivate accounts instead. Units are stored by code and
name, not by foreign key, so the log never blocks or follows a change of the
unit tree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import UnitUserObjectPermission


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOCKOUT = "lockout", _("lockout")
        LOGOUT = "logout", _("logout")
        GRANT_ADDED = "grant_added", _("grant added")
        GRANT_REMOVED = "grant_removed", _("grant removed")
        ACCOUNT_CHANGED = "account_changed", _("account flags changed")
        GROUPS_CHANGED = "groups_changed", _("groups changed")
        TWO_FACTOR_SET_UP = "2fa_set_up", _("two-factor device set up")
        TWO_FACTOR_FAILED = "2fa_failed", _("wrong two-factor code")
        TWO_FACTOR_REMOVED = "2fa_removed", _("two-factor device removed")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(
        _("account name"),
        max_length=150,
        blank=True,
        help_text=_("As typed at the login form, for an account that may not exist."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("changed by (name)"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    unit_code = models.CharField(_("unit code"), max_length=20, blank=True)
    unit_name = models.CharField(_("unit name"), max_length=200, blank=True)
    changes = models.JSONField(
        _("changes"), default=dict, blank=True, help_text=_("Each changed field with its value before and after.")
    )
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["kind", "at"], name="security_event_kind_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class Grant(UnitUserObjectPermission):
    """A grant as the admin shows it: a role held by an account on a unit
    (personnel's guardian object permission, under a name people use)."""

    class Meta:
        proxy = True
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        default_permissions = ()


class TwoFactorDevice(TOTPDevice):
    """An authenticator device as the admin lists it (django-otp's TOTP
    device, under a name people use; django-otp names it in English only)."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator device")
        verbose_name_plural = _("authenticator devices")
        default_permissions = ()


class DirectoryGrant(models.Model):
    """Marks a grant that a directory gave (an LDAP group or an OpenID Connect
    claim mapped to a role on a unit, docs/integration.md). The directory owns
    it: each login through that directory adds and removes these grants, and
    the grants admin refuses to delete them by hand."""

    class Source(models.TextChoices):
        LDAP = "ldap", _("LDAP / Active Directory")
        OIDC = "oidc", _("OpenID Connect")

    grant = models.OneToOneField(
        UnitUserObjectPermission, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="directory_source"
    )
    source = models.CharField(_("directory"), max_length=10, choices=Source.choices)
    at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("directory grant")
        verbose_name_plural = _("directory grants")
        default_permissions = ()

    def __str__(self):
        return f"{self.get_source_display()}: {self.grant_id}"
