"""Need-to-know scoping of cases, complaints, enforcement statistics and alerts.

On top of the grant check of ``org.scoping`` these records apply the
conflict-of-interest rule (回避, shared/spec/access.md): a record naming the
user's own officer is never visible nor editable to that user, whatever
their grants, per-record shares or superuser flag -- a supervisor under
investigation must not read their own file, and an administrator account
linked to an officer is no exception.

Everything stays a subquery: "records naming me" is
``officer IN (SELECT id FROM officer WHERE user_id = me)``, so the rule costs
one anti-join, not a list of ids.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from org.scoping import ScopedQuerySet, sees_everything, shared_with, units_in_scope


def own_officer(user):
    """The officer row(s) linked to ``user``, as a subquery."""
    Officer = apps.get_model("personnel", "Officer")
    return Officer.objects.filter(user=user).values("pk")


class NeedToKnowQuerySet(ScopedQuerySet):
    """Base for need-to-know kinds: grant scope or a per-record share, minus
    the records that name the user."""

    def _in_units(self, units) -> Q:
        return Q(**{self._scope().unit_lookup(): units})

    def _naming(self, user) -> Q:
        raise NotImplementedError

    def _allowed(self, user, roles, *, shared: bool):
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if sees_everything(user):
            qs = self
        else:
            condition = self._in_units(units_in_scope(user, roles))
            if shared:
                condition |= shared_with(user, self.model)
            qs = self.filter(condition)
        return qs.exclude(self._naming(user))

    def visible_to(self, user, *, shared: bool = True):
        return self._allowed(user, self._scope().read, shared=shared)

    def editable_by(self, user):
        if not self._scope().write and not sees_everything(user):
            return self.none()
        return self._allowed(user, self._scope().write, shared=False)

    def within_grants(self, user, roles):
        # A form may offer only what the user could read: never a record
        # naming the user, so a case select cannot list the user's own case.
        qs = self if sees_everything(user) else self.filter(self._in_units(units_in_scope(user, roles)))
        return qs.exclude(self._naming(user))

    def in_unit_scope(self, unit):
        UnitScope = apps.get_model("org", "UnitScope")
        return self.filter(self._in_units(UnitScope.objects.filter(root=unit).values("unit_id")))


class OfficerRecordQuerySet(NeedToKnowQuerySet):
    """Complaints and enforcement statistics: one officer per record."""

    def _naming(self, user) -> Q:
        return Q(officer__in=own_officer(user))


class CaseOfficerQuerySet(NeedToKnowQuerySet):
    """The officers named in cases, one row each. A user named in a case sees
    none of its rows, not only their own: the other rows would tell them the
    case exists."""

    def _naming(self, user) -> Q:
        CaseOfficer = apps.get_model("integrity", "CaseOfficer")
        return Q(case__in=CaseOfficer.objects.filter(officer__in=own_officer(user)).values("case_id"))


class CaseQuerySet(NeedToKnowQuerySet):
    """A case is in scope when any officer it names works in scope. Through a
    subquery on the link table, so a case naming two officers in scope is
    still one row."""

    def _in_units(self, units) -> Q:
        CaseOfficer = apps.get_model("integrity", "CaseOfficer")
        return Q(pk__in=CaseOfficer.objects.filter(officer__unit__in=units).values("case_id"))

    def _naming(self, user) -> Q:
        CaseOfficer = apps.get_model("integrity", "CaseOfficer")
        return Q(pk__in=CaseOfficer.objects.filter(officer__in=own_officer(user)).values("case_id"))


class AlertQuerySet(NeedToKnowQuerySet):
    """Officer alerts follow the officer's current unit, unit alerts their unit."""

    def _in_units(self, units) -> Q:
        return Q(officer__unit__in=units) | Q(officer__isnull=True, unit__in=units)

    def _naming(self, user) -> Q:
        # A customs' case-rate alert counts the officers of its subtree named
        # in cases: one may fire only because of the reader's own case, and
        # its facts count them. A reader named in any case who works in that
        # subtree does not see it (回避), so it tells them nothing.
        UnitScope = apps.get_model("org", "UnitScope")
        CaseOfficer = apps.get_model("integrity", "CaseOfficer")
        named = CaseOfficer.objects.filter(officer__in=own_officer(user)).values("officer")
        covering_named = UnitScope.objects.filter(unit__officers__in=named).values("root")
        return Q(officer__in=own_officer(user)) | Q(
            officer__isnull=True, rule=self.model.Rule.UNIT_CASE_RATE, unit__in=covering_named
        )

    def active(self):
        return self.filter(status__in=self.model.ACTIVE)


class CaseEvidenceQuerySet(ScopedQuerySet):
    """A case's evidence is visible and editable exactly where the case is:
    grants, shares and the conflict-of-interest rule all come from
    ``CaseQuerySet``."""

    def _cases(self):
        return apps.get_model("integrity", "Case").objects

    def visible_to(self, user, *, shared: bool = True):
        # Evidence is shared through its case, never one by one: ``shared``
        # (about shares of evidence) does not apply.
        return self.filter(case__in=self._cases().visible_to(user).values("pk"))

    def editable_by(self, user):
        return self.filter(case__in=self._cases().editable_by(user).values("pk"))

    def within_grants(self, user, roles):
        return self.filter(case__in=self._cases().within_grants(user, roles).values("pk"))

    def in_unit_scope(self, unit):
        return self.filter(case__in=self._cases().in_unit_scope(unit).values("pk"))
