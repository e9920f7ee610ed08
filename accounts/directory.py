"""Grants from a directory (LDAP / Active Directory or OpenID Connect).

A deployment maps directory groups (an LDAP group's DN, a value of the OIDC
groups claim) to a role on a unit in a settings table (``LDAP_GRANT_MAP``,
``OIDC_GRANT_MAP``, docs/integration.md). At each login through a directory
the account's grants from that directory become exactly those its groups map
to: missing ones are given, ones whose group the account left are taken
away, each through ``personnel.services`` so the security event log records
it with the directory as its source. Grants given by hand are left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts.services import grant_create, grant_delete
from org.models import Unit, UnitUserObjectPermission
from org.roles import Role

from .models import DirectoryGrant


@dataclass(frozen=True)
class GroupGrant:
    group: str  # compared case-insensitively: LDAP DNs are
    role: str
    unit_code: str


def grant_map_parse(value, *, setting: str) -> tuple[GroupGrant, ...]:
    """The table from its JSON text (as the environment gives it) or a list,
    of ``{"group": ..., "role": ..., "unit": ...}``; a bad entry is a
    configuration error, never a silently ignored row."""
    if isinstance(value, str):
        if not value.strip():
            return ()
        try:
            rows = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(f"{setting} is not valid JSON: {exc}") from exc
    else:
        rows = list(value)
    if not isinstance(rows, list):
        raise ImproperlyConfigured(f"{setting} must be a JSON list of {{group, role, unit}} objects.")
    out = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not all(
            isinstance(row.get(k), str) and row.get(k).strip() for k in ("group", "role", "unit")
        ):
            raise ImproperlyConfigured(f"{setting} entry {number} needs the texts group, role and unit.")
        if row["role"] not in Role.values:
            raise ImproperlyConfigured(
                f"{setting} entry {number}: unknown role {row['role']!r} (one of {', '.join(Role.values)})."
            )
        out.append(GroupGrant(row["group"].strip(), row["role"], row["unit"].strip()))
    return tuple(out)


def wanted_grants(grant_map, groups) -> set[tuple[str, str]]:
    """The (role, unit code) pairs the account's groups map to."""
    member_of = {str(g).strip().lower() for g in groups}
    return {(entry.role, entry.unit_code) for entry in grant_map if entry.group.lower() in member_of}


@transaction.atomic
def directory_grants_sync(*, user, source: str, grant_map, groups, request=None) -> tuple[int, int]:
    """Make ``user``'s grants from ``source`` those ``groups`` map to; returns
    (given, taken away). A mapped unit code that no unit has gives nothing."""
    wanted = wanted_grants(grant_map, groups)
    units = {u.code: u for u in Unit.objects.filter(code__in={code for _role, code in wanted})}
    held = {
        (mark.grant.permission.codename.removeprefix("role_"), mark.grant.content_object.code): mark.grant
        for mark in DirectoryGrant.objects.filter(grant__user=user, source=source).select_related(
            "grant__permission", "grant__content_object"
        )
    }
    taken = 0
    for (role, code), grant in held.items():
        if (role, code) not in wanted:
            taken += grant_delete(user=user, role=role, unit=grant.content_object, request=request, source=source)
    given = 0
    for role, code in sorted(wanted - set(held)):
        unit = units.get(code)
        if unit is None:
            continue
        existed = UnitUserObjectPermission.objects.filter(
            user=user, permission__codename=Role(role).codename, content_object=unit
        ).exists()
        if existed:
            continue  # given by hand (or by the other directory): not this directory's to take away
        grant = grant_create(user=user, role=role, unit=unit, request=request, source=source)
        DirectoryGrant.objects.create(grant=grant, source=source)
        given += 1
    return given, taken
