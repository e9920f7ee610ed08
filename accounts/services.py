"""Writes to the security event log. Each is called inside the transaction of
the change it records, so a change and its event are committed together."""
from __future__ import annotations

from axes.helpers import get_client_ip_address

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
    *, kind: str, user=None, username: str = "", acting_user=None, request=None,
    role: str = "", unit=None, changes: dict | None = None,
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
        events.append(security_event_record(kind=SecurityEvent.Kind.ACCOUNT_CHANGED, user=user,
                                            acting_user=acting_user, request=request, changes=flags))
    added = sorted(set(after["groups"]) - set(before["groups"]))
    removed = sorted(set(before["groups"]) - set(after["groups"]))
    if added or removed:
        events.append(security_event_record(
            kind=SecurityEvent.Kind.GROUPS_CHANGED, user=user, acting_user=acting_user, request=request,
            changes={"groups": {"added": added, "removed": removed}},
        ))
    return events
