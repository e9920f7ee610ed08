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

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast

from .roles import ALL_ROLES, Role
from .sql import column, table


def _codenames(roles) -> list[str]:
    if isinstance(roles, (str, Role)):
        roles = [roles]
    return [Role(r).codename for r in roles]


def sees_everything(user) -> bool:
    """An active superuser: every scope, every record, every kind."""
    return bool(user and user.is_active and user.is_superuser)


# The scope subqueries built so far, by what their structure depends on;
# emptied when full (a process sees a bounded number of users at a time).
_BUILT: dict[tuple, models.QuerySet] = {}
_BUILT_MAX = 4096


def _built_once(user, key, build) -> models.QuerySet:
    """The subquery ``build()`` makes for ``user``, built once per process.

    Lists, permission checks and links ask for the same few scopes dozens of
    times per request (an admin change page asks about thirty), and building
    the nested UNION each time was a third of the page's time. Its structure
    depends only on who the user is (the id in its WHERE clauses, standing as
    an active user or a superuser) and on the roles, which is the key; the
    grants themselves are read when the outer query runs, so a grant given or
    taken later, even in the same request, still counts. Each caller gets a
    clone, so evaluating one never caches rows for the next.
    """
    full_key = (key, user.pk, user.is_active, user.is_superuser)
    built = _BUILT.get(full_key)
    if built is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.clear()
        built = _BUILT[full_key] = build()
    return built.all()


def granted_units(user, roles: Iterable[str] | str = ALL_ROLES) -> models.QuerySet:
    """Ids of the units on which ``user`` holds one of ``roles`` (a subquery)."""
    Unit = apps.get_model("org", "Unit")
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none().values("pk")
    codenames = _codenames(roles)
    return _built_once(user, ("granted", frozenset(codenames)), lambda: _granted_units(user, codenames))


def _granted_units(user, codenames: list[str]) -> models.QuerySet:
    Unit = apps.get_model("org", "Unit")
    direct = apps.get_model("org", "UnitUserObjectPermission").objects.filter(
        user=user, permission__codename__in=codenames
    )
    via_group = apps.get_model("org", "UnitGroupObjectPermission").objects.filter(
        group__user=user, permission__codename__in=codenames
    )
    # One UNION rather than two IN tests joined by OR: the planner estimates
    # an OR of hashed subplans at most of the table (3,305 of 4,407 units on
    # the national service), and that estimate, carried through the closure
    # table and the officers, made it walk every training record in officer
    # order to count one customs' list; the UNION is estimated at its size.
    granted = direct.order_by().values("content_object").union(via_group.order_by().values("content_object"))
    return Unit.objects.filter(pk__in=granted).values("pk")


def units_in_scope(user, roles: Iterable[str] | str = ALL_ROLES) -> models.QuerySet:
    """Ids of every unit the user covers for ``roles``, as a subquery.

    Use it as ``filter(unit__in=units_in_scope(user, Role.HR))``.
    """
    Unit = apps.get_model("org", "Unit")
    if sees_everything(user):
        return Unit.objects.values("pk")
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none().values("pk")
    UnitScope = apps.get_model("org", "UnitScope")
    return _built_once(
        user,
        ("scope", frozenset(_codenames(roles))),
        lambda: UnitScope.objects.filter(root__in=granted_units(user, roles)).values("unit_id"),
    )


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


@functools.cache
def _shared_kinds_sql() -> str:
    """The content types of the view permissions held on single records, as
    SQL written once per process (org/sql.py): asked on every admin page.
    Only a view permission of the record's own kind counts as a share."""
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    return (
        f"SELECT DISTINCT g.{column(UserObjectPermission, 'content_type')}"
        f" FROM {table(UserObjectPermission)} g"
        f" JOIN {table(Permission)} p ON p.id = g.{column(UserObjectPermission, 'permission')}"
        f" WHERE g.{column(UserObjectPermission, 'user')} = %s"
        f" AND p.{column(Permission, 'content_type')} = g.{column(UserObjectPermission, 'content_type')}"
        f" AND SUBSTR(p.{column(Permission, 'codename')}, 1, 5) = %s"
    )


def shared_kinds(user) -> set[int]:
    """Content-type ids of the kinds of which some record is shared with the
    user: one query answers the question for every kind on a page."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_shared_kinds_sql(), [user.pk, "view_"])
        return {content_type for (content_type,) in cursor.fetchall()}


def _forward_path(model, path: str) -> list | None:
    """The fields of ``path`` if each is a forward single-valued relation
    (a foreign key or one-to-one held by the record), None otherwise."""
    fields = []
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            return None
        fields.append(field)
        model = field.related_model
    return fields


def _on_own_columns(model, scope: Scope, units: models.QuerySet, user=None) -> Q:
    """The record's unit is in ``units`` or (given ``user``) the record is
    about ``user``, as a condition on the record's own columns.

    Written as ``officer__unit__in=<scope> | officer__user=<user>`` the
    test joins the officer table and ORs conditions over the join, which the
    PostgreSQL planner can neither use as an index condition nor turn into a
    semi-join: for HR of one customs it hashed every officer, joined all ten
    million training records and filtered them (3.9 s for the list's capped
    count, measured in docs/performance.md). Asked as ``officer_id IN
    (SELECT id FROM officer WHERE unit_id IN <scope> OR user_id = <user>)``
    it is a semi-join on a column of the record itself: the count reads the
    scope's officers and their records by index (10 ms), the page walks the
    date index and stops after fifty rows in scope, and a search naming a
    few officers reaches their records by the officer index.

    The rewrite applies only where every hop of the path is a foreign key
    held by the record (``officer__unit``, ``audit__unit``), so it selects
    exactly the rows the join did, each once; a path through a reverse or
    many-valued relation (a case's involved officers) keeps the join.
    """
    own = scope.own if user is not None else None
    fields = _forward_path(model, scope.unit) if "__" in scope.unit else None
    if not fields:
        condition = Q(**{scope.unit_lookup(): units})
        return condition | Q(**{own: user}) if own else condition
    via, rest = fields[0], "__".join(f.name for f in fields[1:])
    rows = via.related_model._base_manager
    related = rows.filter(**{f"{rest}__in": units}).order_by().values("pk")
    outer = Q()
    if own:
        own_fields = _forward_path(model, own) if "__" in own else None
        if own_fields and own_fields[0] == via:
            # A UNION, not an OR inside the subquery: PostgreSQL estimates
            # "unit in scope OR user = me" at half the officers, and with
            # that estimate it counted one customs' training records by
            # walking the whole officer index of the records (1.3 s on the
            # 100,000-officer service); each side of a UNION is estimated
            # at its size.
            own_rows = rows.filter(**{"__".join(f.name for f in own_fields[1:]): user}).order_by().values("pk")
            related = related.union(own_rows)
        else:
            outer = Q(**{own: user})
    return Q(**{f"{via.name}__in": related}) | outer


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a record kind whose model declares a ``scope``."""

    def _scope(self) -> Scope:
        return self.model.scope

    def visible_to(self, user, *, shared: bool = True):
        """The records ``user`` may read: in the scope of a grant of the
        kind's read roles, about the user, or shared with them one by one.

        ``shared=False`` says the caller knows that no record of this kind
        is shared with the user (``Access.shared_kinds``, one query per
        request): the per-record branch is then left out. It matters for
        the planner: ``... OR id IN (<shares>)`` keeps PostgreSQL from
        joining the scope as a semi-join, so a count over ten million
        training records scans the table for the rows in scope, where
        without it the scope's officers lead to their records by index.
        """
        if sees_everything(user):
            return self
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        scope = self._scope()
        condition = _on_own_columns(self.model, scope, units_in_scope(user, scope.read), user)
        if shared:
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
        return self.filter(_on_own_columns(self.model, scope, units_in_scope(user, scope.write)))

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
