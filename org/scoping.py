"""The one place that turns a user into what they may see.

``units_in_scope(user, roles)`` answers "which units does this user cover
for these roles?" as a *subquery*, never as a Python list of ids: a national
HR grant covers every unit, and a list of thousands of ids pasted into every
query would be slow and would go stale inside a long request. Every model's
``visible_to(user)`` / ``editable_by(user)`` is built on it, and so are the
admin, exports, imports, indicators and reports.

A grant is a guardian object permission ``role_<role>`` on a unit, held by
the user directly or through one of their groups. It covers the unit's scope:
the unit, its subtree and, for a supervisory office, the customs it
supervises with their subtrees. That scope is precomputed in the
``UnitScope`` closure table, so the check is one join, not a tree walk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BigIntegerField, F, Q
from django.db.models.functions import Cast

from .roles import ALL_ROLES, Role


def _codenames(roles) -> list[str]:
    if isinstance(roles, (str, Role)):
        roles = [roles]
    return [Role(r).codename for r in roles]


def sees_everything(user) -> bool:
    """An active superuser: every scope, every record, every kind."""
    return bool(user and user.is_active and user.is_superuser)


def granted_units(user, roles: Iterable[str] | str = ALL_ROLES) -> models.QuerySet:
    """Ids of the units on which ``user`` holds one of ``roles`` (a subquery)."""
    Unit = apps.get_model("org", "Unit")
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none().values("pk")
    codenames = _codenames(roles)
    direct = apps.get_model("org", "UnitUserObjectPermission").objects.filter(
        user=user, permission__codename__in=codenames
    )
    via_group = apps.get_model("org", "UnitGroupObjectPermission").objects.filter(
        group__user=user, permission__codename__in=codenames
    )
    return Unit.objects.filter(
        Q(pk__in=direct.values("content_object")) | Q(pk__in=via_group.values("content_object"))
    ).values("pk")


def units_in_scope(user, roles: Iterable[str] | str = ALL_ROLES) -> models.QuerySet:
    """Ids of every unit the user covers for ``roles``, as a subquery.

    Use it as ``filter(unit__in=units_in_scope(user, Role.HR))``.
    """
    Unit = apps.get_model("org", "Unit")
    if sees_everything(user):
        return Unit.objects.values("pk")
    UnitScope = apps.get_model("org", "UnitScope")
    return UnitScope.objects.filter(root__in=granted_units(user, roles)).values("unit_id")


def has_grant(user, roles: Iterable[str] | str = ALL_ROLES) -> bool:
    """Does the user hold at least one grant of these roles anywhere?"""
    return sees_everything(user) or granted_units(user, roles).exists()


@dataclass(frozen=True)
class Scope:
    """How one record kind is scoped (declared on the model as ``scope``).

    ``unit``: the lookup from the record to the unit that scopes it.
    ``read`` / ``write``: the roles that see / change it in scope.
    ``own``: the lookup from the record to the user who may always read it
    because it is about them (an officer's own profile, postings, ...).
    """

    unit: str
    read: frozenset = field(default_factory=frozenset)
    write: frozenset = field(default_factory=frozenset)
    own: str | None = None

    def unit_lookup(self) -> str:
        return "pk__in" if self.unit == "pk" else f"{self.unit}__in"


def _shares(user, model) -> models.QuerySet:
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    ct = ContentType.objects.get_for_model(model)
    return UserObjectPermission.objects.filter(
        user=user, content_type=ct, permission__codename=f"view_{model._meta.model_name}"
    )


def shared_with(user, model) -> Q:
    """Records shared one by one with ``user`` (the rare per-record grant).

    Guardian's generic table keeps the object id as text; cast it so the
    subquery compares like with like on PostgreSQL.
    """
    ids = _shares(user, model).annotate(object_id=Cast("object_pk", BigIntegerField())).values("object_id")
    return Q(pk__in=ids)


def shared_kinds(user) -> set[int]:
    """Content-type ids of the kinds of which some record is shared with the
    user: one query answers the question for every kind on a page."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    return set(
        UserObjectPermission.objects.filter(
            user=user, permission__codename__startswith="view_", permission__content_type=F("content_type")
        ).values_list("content_type_id", flat=True)
    )


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a record kind whose model declares a ``scope``."""

    def _scope(self) -> Scope:
        return self.model.scope

    def visible_to(self, user):
        if sees_everything(user):
            return self
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        scope = self._scope()
        condition = Q(**{scope.unit_lookup(): units_in_scope(user, scope.read)})
        if scope.own:
            condition |= Q(**{scope.own: user})
        condition |= shared_with(user, self.model)
        return self.filter(condition)

    def editable_by(self, user):
        if sees_everything(user):
            return self
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        scope = self._scope()
        if not scope.write:
            return self.none()
        return self.filter(**{scope.unit_lookup(): units_in_scope(user, scope.write)})

    def within_grants(self, user, roles):
        """Records whose unit the user covers for ``roles`` -- grants only.

        What a form may point at: a record is a valid choice for a field
        when the user could write records there, not merely because it is
        about them or was shared with them.
        """
        if sees_everything(user):
            return self
        return self.filter(**{self._scope().unit_lookup(): units_in_scope(user, roles)})

    def in_unit_scope(self, unit):
        """Records within the scope of ``unit`` (its subtree and supervised units)."""
        UnitScope = apps.get_model("org", "UnitScope")
        return self.filter(**{self._scope().unit_lookup(): UnitScope.objects.filter(root=unit).values("unit_id")})
