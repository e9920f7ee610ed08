"""Writes to the security event log. Each is called inside the transaction of
the change it records, so a change and its event are committed together."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.contrib.auth.models import Permission
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import Unit, UnitUserObjectPermission
from org.roles import Role

from .models import SecurityEvent

# The account fields whose change alters what the account may do.
ACCOUNT_FLAGS = ("is_superuser", "is_staff", "is_active")


def _address(request) -> str | None:
    # The address django-axes counts failures by (REMOTE_ADDR unless a
    # trusted proxy is configured), so a lockout and its events agree.
    if request is None:
        return None
    return get_client_ip_address(request) or None


def _user_or_none(user):
    return user if (user is not None and user.is_authenticated and user.pk is not None) else None


def security_event_record(
    *,
    kind: str,
    user=None,
    username: str = "",
    acting_user=None,
    request=None,
    role: str = "",
    unit=None,
    changes: dict | None = None,
) -> SecurityEvent:
    """Append one event about ``user`` (or the name typed, for an unknown
    account); ``acting_user`` is who made a change, if anyone."""
    user = _user_or_none(user)
    actor = _user_or_none(acting_user)
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or getattr(user, "username", "") or "")[:150],
        actor=actor,
        actor_username=getattr(actor, "username", "") or "",
        role=str(role or ""),
        unit_code=getattr(unit, "code", "") or "",
        unit_name=getattr(unit, "name", "") or "",
        changes=changes or {},
        ip_address=_address(request),
    )


def account_snapshot(user) -> dict:
    """What an account may do apart from its grants: its flags and groups, as
    stored. Taken before a change and compared after it by
    ``account_changes_record``."""
    if user.pk is None:
        return {**{flag: False for flag in ACCOUNT_FLAGS}, "groups": []}
    stored = type(user)._default_manager.filter(pk=user.pk).values(*ACCOUNT_FLAGS).first() or {}
    return {
        **{flag: bool(stored.get(flag, False)) for flag in ACCOUNT_FLAGS},
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def account_changes_record(*, user, before: dict, acting_user, request=None) -> list[SecurityEvent]:
    """Record how the account changed since ``before`` (``account_snapshot``):
    one event for its flags, one for its groups; none if nothing changed."""
    after = account_snapshot(user)
    events = []
    flags = {flag: [before[flag], after[flag]] for flag in ACCOUNT_FLAGS if before[flag] != after[flag]}
    if flags:
        events.append(
            security_event_record(
                kind=SecurityEvent.Kind.ACCOUNT_CHANGED,
                user=user,
                acting_user=acting_user,
                request=request,
                changes=flags,
            )
        )
    added = sorted(set(after["groups"]) - set(before["groups"]))
    removed = sorted(set(before["groups"]) - set(after["groups"]))
    if added or removed:
        events.append(
            security_event_record(
                kind=SecurityEvent.Kind.GROUPS_CHANGED,
                user=user,
                acting_user=acting_user,
                request=request,
                changes={"groups": {"added": added, "removed": removed}},
            )
        )
    return events


@transaction.atomic
def two_factor_device_pending(*, user) -> TOTPDevice:
    """The account's authenticator being set up: one unconfirmed TOTP device,
    kept across page loads so the QR code does not change under the user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def two_factor_device_confirm(*, device: TOTPDevice, token: str, request) -> bool:
    """Confirm the device being set up with a first code from it and pass this
    session's second factor; a wrong code is logged and confirms nothing."""
    if not device.verify_token(token):
        security_event_record(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED, user=device.user, request=request)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    security_event_record(kind=SecurityEvent.Kind.TWO_FACTOR_SET_UP, user=device.user, request=request)
    return True


@transaction.atomic
def two_factor_verify(*, user, token: str, request) -> bool:
    """Pass this session's second factor with a code from one of the account's
    confirmed devices; a wrong code is logged."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    security_event_record(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED, user=user, request=request)
    return False


@transaction.atomic
def two_factor_device_delete(*, device: TOTPDevice, acting_user, request=None) -> None:
    """Remove an authenticator (a lost phone); its owner sets up a new one at
    the next login."""
    user = device.user
    device.delete()
    security_event_record(
        kind=SecurityEvent.Kind.TWO_FACTOR_REMOVED, user=user, acting_user=acting_user, request=request
    )


def _role_permission(role: str) -> Permission:
    return Permission.objects.get(content_type__app_label="org", codename=Role(role).codename)


@transaction.atomic
def grant_create(
    *, user, role: str, unit: Unit, acting_user=None, request=None, source: str = ""
) -> UnitUserObjectPermission:
    """Give ``user`` the role on the unit (and so on its whole scope); a new
    grant is written to the security event log with who gave it, or with the
    directory it came from (``source``: "ldap", "oidc")."""
    grant, created = UnitUserObjectPermission.objects.get_or_create(
        user=user, permission=_role_permission(role), content_object=unit
    )
    if created:
        security_event_record(
            kind=SecurityEvent.Kind.GRANT_ADDED,
            user=user,
            acting_user=acting_user,
            request=request,
            role=Role(role).value,
            unit=unit,
            changes={"source": source} if source else None,
        )
    return grant


@transaction.atomic
def grant_delete(*, user, role: str, unit: Unit, acting_user=None, request=None, source: str = "") -> int:
    deleted, _ = UnitUserObjectPermission.objects.filter(
        user=user, permission=_role_permission(role), content_object=unit
    ).delete()
    if deleted:
        security_event_record(
            kind=SecurityEvent.Kind.GRANT_REMOVED,
            user=user,
            acting_user=acting_user,
            request=request,
            role=Role(role).value,
            unit=unit,
            changes={"source": source} if source else None,
        )
    return deleted
