"""What one user may reach, resolved once per request (``request.access``).

The grants are read once: which roles the user holds anywhere is one query,
and each role's scope is one subquery of ``units_in_scope`` built once and
reused by every selector of the request (still a subquery, never a Python
list of ids). Whether a unit is covered, and for which roles, is one query
for as many units as a page needs at once, then remembered.

A page asks this object which links to show (``may_read_unit_report``,
``may_see_audit_plan``, ...) instead of importing the page it links to. The
unit report and the composite table ask it the same question before they
open; tests/org/test_access.py checks for every link that it is shown
exactly when its page opens.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import BooleanField, ExpressionWrapper, Q

from org.models import KIND_RANK, Unit, UnitGroupObjectPermission, UnitUserObjectPermission
from org.roles import ALL_ROLES, Role
from org.scoping import granted_units, sees_everything, shared_kinds, units_in_scope
from org.sql import column, table

# Every role sees the dashboard and the unit report of a unit it covers
# (shared/spec/access.md); so do the leader dossiers (officer profiles).
DASHBOARD_ROLES = ALL_ROLES
# The audit plan reads audits: the audit role and leadership, which reads
# every record kind.
AUDIT_PLAN_ROLES = frozenset({Role.AUDIT, Role.LEADERSHIP})
# The composite table: any dashboard role on a unit with customs below it
# (hq, a supervisory office); leadership also on its own unit.
COMPOSITE_ROLES = ALL_ROLES
# The roles that read the need-to-know records (cases, complaints, alerts)
# behind a sensitive figure; their small counts are shown to them in full
# (core/disclosure.py, docs/security.md "Small counts").
RECORD_READER_ROLES = frozenset({Role.SUPERVISION})
# The risk-point register (integrity.RiskPoint): supervision keeps it;
# leadership reads every kind and HR plans rotations out of high-risk posts.
RISK_REGISTER_ROLES = frozenset({Role.SUPERVISION, Role.LEADERSHIP, Role.HR})


@functools.cache
def _grants_sql() -> str:
    """(permission codename, unit id, unit kind) of the unit permissions a user holds
    directly and through a group, as one UNION. Every request asks it, so
    the SQL is written once per process: building it with the ORM each time
    cost more than running it."""
    user_groups = get_user_model().groups.through

    def select(model, joins: str, user_column: str) -> str:
        return (
            f"SELECT p.codename, u.id, u.kind FROM {table(model)} g {joins}"
            f" JOIN {table(Permission)} p ON p.id = g.{column(model, 'permission')}"
            f" JOIN {table(Unit)} u ON u.id = g.{column(model, 'content_object')}"
            f" WHERE {user_column} = %s"
        )

    direct = select(UnitUserObjectPermission, "", f"g.{column(UnitUserObjectPermission, 'user')}")
    via_group = select(
        UnitGroupObjectPermission,
        f"JOIN {table(user_groups)} ug ON ug.{column(user_groups, 'group')}"
        f" = g.{column(UnitGroupObjectPermission, 'group')}",
        f"ug.{column(user_groups, 'user')}",
    )
    return f"{direct} UNION {via_group}"


def _role_set(roles: Iterable[str] | str) -> frozenset:
    if isinstance(roles, str):
        return frozenset({Role(roles)})
    return frozenset(Role(role) for role in roles)


class Access:
    """One user's grants for the length of a request."""

    def __init__(self, user):
        self.user = user
        self._scopes: dict[frozenset, models.QuerySet] = {}
        self._covering: dict[int, frozenset] = {}
        self._answers: dict = {}

    @cached_property
    def everything(self) -> bool:
        return sees_everything(self.user)

    @cached_property
    def grants(self) -> frozenset[tuple[Role, int, str]]:
        """(role, unit id, kind of the unit) of every grant the user holds,
        directly or through a group: one query, from which the roles, the
        fingerprint and the questions about grants on an office or on hq are
        answered without another."""
        if not (self.user and self.user.is_authenticated and self.user.is_active):
            return frozenset()
        codenames = {role.codename: role for role in Role}
        with connection.cursor() as cursor:
            cursor.execute(_grants_sql(), [self.user.pk, self.user.pk])
            held = cursor.fetchall()
        return frozenset((codenames[codename], unit, kind) for codename, unit, kind in held if codename in codenames)

    @cached_property
    def roles(self) -> frozenset:
        """The roles the user holds on at least one unit (one query)."""
        if self.everything:
            return ALL_ROLES
        return frozenset(role for role, _unit, _kind in self.grants)

    def holds_on(self, roles: Iterable[str] | str, kinds: Iterable[str]) -> bool:
        """Does the user hold a grant of one of ``roles`` on a unit of one of
        ``kinds`` (hq, a supervisory office)? No query once ``grants`` is read."""
        wanted, kinds = _role_set(roles), set(kinds)
        return any(role in wanted and kind in kinds for role, _unit, kind in self.grants)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything the grants decide (the user's standing and
        each role held on each unit, directly or through a group; from
        ``grants``): a page kept for this user holds only while it is unchanged."""
        user = self.user
        standing = (user.pk, user.is_active, user.is_superuser) if user and user.is_authenticated else (None,)
        held = sorted((role.value, unit) for role, unit, _kind in self.grants)
        return hashlib.sha256(repr((standing, held)).encode()).hexdigest()[:32]

    @cached_property
    def shared_kinds(self) -> frozenset[int]:
        """Content-type ids of the kinds of which some record is shared with
        the user one by one (one query, on first use)."""
        return frozenset(shared_kinds(self.user))

    def shares(self, model) -> bool:
        """Is some record of ``model`` shared with the user? A list passes
        the answer to ``visible_to(user, shared=...)``."""
        return ContentType.objects.get_for_model(model).pk in self.shared_kinds

    def has_grant(self, roles: Iterable[str] | str = ALL_ROLES) -> bool:
        return bool(self.roles & _role_set(roles))

    def units(self, roles: Iterable[str] | str = ALL_ROLES) -> models.QuerySet:
        """Ids of every unit the user covers for ``roles``, as a subquery;
        built once per set of roles in a request."""
        wanted = _role_set(roles)
        if wanted not in self._scopes:
            self._scopes[wanted] = units_in_scope(self.user, wanted)
        return self._scopes[wanted]

    def granted(self, roles: Iterable[str] | str = ALL_ROLES) -> models.QuerySet:
        """Ids of the units the grants are held on, as a subquery."""
        return granted_units(self.user, _role_set(roles))

    def scope_unit(self, roles: Iterable[str] | str, code: str | None) -> Unit | None:
        """The unit a page looks at: ``code`` if the user covers it for
        ``roles`` (None otherwise, as for a code that does not exist);
        without a code, the broadest granted unit (hq for a superuser)."""
        if code:
            return Unit.objects.filter(code=code, pk__in=self.units(roles)).first()
        if self.everything:
            return Unit.objects.filter(kind=Unit.Kind.HQ).first()
        return (
            Unit.objects.filter(pk__in=self.granted(roles))
            .annotate(kind_rank=KIND_RANK)
            .order_by("kind_rank", "code")
            .first()
        )

    def coverage(self, units: models.QuerySet) -> dict[int, frozenset]:
        """{unit id: the roles whose grants cover it} for ``units``, in one
        query; remembered for ``covers``."""
        if self.everything:
            return {pk: ALL_ROLES for pk in units.order_by().values_list("pk", flat=True)}
        held = sorted(self.roles)
        columns = {
            f"in_{role.value}": ExpressionWrapper(Q(pk__in=self.units(role)), output_field=BooleanField())
            for role in held
        }
        rows = units.order_by().annotate(**columns).values("pk", *columns)
        found = {row["pk"]: frozenset(role for role in held if row[f"in_{role.value}"]) for row in rows}
        self._covering.update(found)
        return found

    def covers(self, unit, roles: Iterable[str] | str = ALL_ROLES) -> bool:
        """Does a grant of one of ``roles`` cover ``unit``?"""
        if self.everything:
            return True
        if unit.pk not in self._covering:
            self.coverage(Unit.objects.filter(pk=unit.pk))
        return bool(self._covering.get(unit.pk, frozenset()) & _role_set(roles))

    def reads_records_at(self, unit) -> bool:
        """May the user read the need-to-know records behind ``unit``'s
        figures, so that its small counts are shown in full? Decided from the
        grants only; free once ``coverage`` has resolved the unit."""
        return self.covers(unit, RECORD_READER_ROLES)

    def remembered(self, question, ask):
        """The answer to ``question`` (a hashable key), asked once per request:
        ``ask()`` runs the first time only. For questions whose answer the
        request itself cannot change (a GET's permission on one record)."""
        if question not in self._answers:
            self._answers[question] = ask()
        return self._answers[question]

    # --- What a page may link to -------------------------------------------

    def may_see_dashboard(self) -> bool:
        return self.has_grant(DASHBOARD_ROLES)

    def may_read_unit_report(self, unit) -> bool:
        return self.covers(unit, DASHBOARD_ROLES)

    def may_read_dossiers(self, unit) -> bool:
        return self.covers(unit, DASHBOARD_ROLES)

    def may_see_composite(self, unit) -> bool:
        if not self.covers(unit, COMPOSITE_ROLES):
            return False
        return unit.kind in (Unit.Kind.HQ, Unit.Kind.SUPERVISORY_OFFICE) or self.covers(unit, Role.LEADERSHIP)

    def may_see_a_composite(self) -> bool:
        """Does some unit open the composite table for the user (the
        navigation bar's entry)? Answered from ``grants``."""
        if self.everything or Role.LEADERSHIP in self.roles:
            return True
        return self.holds_on(COMPOSITE_ROLES, (Unit.Kind.HQ, Unit.Kind.SUPERVISORY_OFFICE))

    def reads_security_logs(self) -> bool:
        """The access log and the security event log: superusers and
        supervision granted on the General Administration (hq)."""
        return self.everything or self.holds_on(Role.SUPERVISION, (Unit.Kind.HQ,))

    def may_see_audit_plan(self, unit) -> bool:
        return self.covers(unit, AUDIT_PLAN_ROLES)

    def may_read_risk_register(self, unit) -> bool:
        return self.covers(unit, RISK_REGISTER_ROLES)

    def may_see_alerts(self) -> bool:
        return self.has_grant(Role.SUPERVISION)


def request_access(request) -> Access:
    """The request's Access object; a request built without the middleware
    (the admin's own sub-requests, a test's RequestFactory) gets one here."""
    access = getattr(request, "access", None)
    if access is None:
        access = request.access = Access(request.user)
    return access


class AccessMiddleware:
    """Attaches ``request.access`` (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # An earlier middleware (two factors) may have made it already.
        request_access(request)
        return self.get_response(request)
