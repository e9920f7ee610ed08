"""Who a reminder may go to: the active holders of a role's grants (directly
or through a group). What each of them may be told is decided per record by
the kind's ``visible_to`` (the scoping layer), never here."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from org.models import UnitGroupObjectPermission, UnitUserObjectPermission
from org.roles import Role


def grant_holders(roles: Iterable[str]) -> QuerySet:
    codenames = [Role(role).codename for role in roles]
    direct = UnitUserObjectPermission.objects.filter(permission__codename__in=codenames).values("user")
    via_group = UnitGroupObjectPermission.objects.filter(permission__codename__in=codenames).values("group")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=direct) | Q(groups__in=via_group), is_active=True)
        .distinct()
        .order_by("pk")
    )
