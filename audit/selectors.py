"""What the audit plan, the composite assessment and the ledger read, for one user.

Scope is always a subquery of ``units_in_scope``; a unit outside it answers
404 exactly like a unit that does not exist. A unit the user sees whose
page their roles do not open raises ``NotPermittedHere``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.http import Http404

from core.indicators import CUSTOMS_KINDS
from org.access import COMPOSITE_ROLES, Access
from org.models import Unit, UnitScope
from org.scoping import has_grant, units_in_scope
from personnel.models import Posting

from .composite import customs_in
from .indicators import audit_window, covering_audits
from .models import READ_AUDIT, READ_LEDGER, WRITE_LEDGER, Audit, Finding, RectificationItem, colour_deadlines


class NotPermittedHere(Exception):
    """The user holds grants and sees ``unit``, but their roles there do not
    open this page: the page explains who may see it (docs/access.md, "Pages
    that explain who may see them") instead of a bare 404."""

    def __init__(self, unit: Unit):
        super().__init__(unit.code)
        self.unit = unit


def resolve_unit(access: Access, code: str | None, roles) -> Unit:
    """The unit a page for ``roles`` looks at: ``code`` if the user covers it
    for ``roles``; without a code, the user's broadest granted unit.

    A user with no grant at all, a code that does not exist and a code no
    grant of the user covers all answer 404 alike. A unit the user covers
    with other roles only raises ``NotPermittedHere``: the user already sees
    that unit, so saying which roles open the page reveals nothing hidden.
    """
    if not access.has_grant():
        raise Http404
    unit = access.scope_unit(roles, code) if access.has_grant(roles) else None
    if unit is not None:
        return unit
    seen = access.scope_unit(access.roles, code)
    if seen is None:
        raise Http404
    raise NotPermittedHere(seen)


def _in_view(user, unit: Unit, roles) -> Q:
    """Units within ``unit``'s scope that the user also covers (a user with a
    grant on a single customs looking at hq sees only that customs)."""
    return Q(pk__in=UnitScope.objects.filter(root=unit).values("unit_id")) & Q(pk__in=units_in_scope(user, roles))


# --- Audit plan -------------------------------------------------------------


def units_due(user, *, unit: Unit, as_of: dt.date) -> models.QuerySet:
    """Customs in view with no covering audit in the window of ``as_of``'s
    year (the audit_coverage indicator's reading), each with ``last_audit``:
    its latest covering audit ever completed (None: never audited)."""
    last_ever = (
        Audit.objects.filter(unit=OuterRef("pk"), kind__in=Audit.COVERING_KINDS, completed_date__isnull=False)
        .order_by()
        .values("unit")
        .annotate(last=Max("completed_date"))
        .values("last")
    )
    return (
        Unit.objects.filter(_in_view(user, unit, READ_AUDIT), kind__in=CUSTOMS_KINDS)
        .exclude(Exists(covering_audits(as_of.year, OuterRef("pk"))))
        .annotate(last_audit=Subquery(last_ever))
        .order_by(models.F("last_audit").asc(nulls_first=True), "code")
    )


def tenures_unaudited(user, *, unit: Unit, as_of: dt.date) -> models.QuerySet:
    """Leadership tenures that ended in the audit window up to ``as_of`` with
    no economic-responsibility audit of that tenure: none of that officer,
    on that unit, whose audited period overlaps the tenure. An audit under
    way counts (it is no longer due)."""
    window_start, _window_end = audit_window(as_of.year)
    audit_of_tenure = Audit.objects.filter(
        kind=Audit.Kind.ECONOMIC_RESPONSIBILITY,
        officer=OuterRef("officer"),
        unit=OuterRef("unit"),
        period_start__lte=OuterRef("end_date"),
        period_end__gte=OuterRef("start_date"),
    )
    return (
        Posting.objects.filter(
            leadership=True,
            end_date__isnull=False,
            end_date__gte=window_start,
            end_date__lte=as_of,
            unit__in=Unit.objects.filter(_in_view(user, unit, READ_AUDIT)).values("pk"),
        )
        .exclude(Exists(audit_of_tenure))
        .select_related("officer", "unit")
        .order_by("end_date", "unit__code", "officer__staff_no")
    )


def findings_overdue(user, *, unit: Unit, as_of: dt.date) -> models.QuerySet:
    """Findings not rectified whose deadline passed before ``as_of``."""
    return (
        Finding.objects.visible_to(user)
        .in_unit_scope(unit)
        .exclude(status=Finding.Status.RECTIFIED)
        .filter(deadline__lt=as_of)
        .select_related("audit", "audit__unit")
        .prefetch_related("rectifications")
        .order_by("deadline", "audit__audit_no", "pk")
    )


# --- Composite --------------------------------------------------------------


def composite_unit(access: Access, code: str | None) -> Unit:
    """The scope of the composite table, asked of the Access object as the
    dashboard asks it before offering the link."""
    unit = resolve_unit(access, code, COMPOSITE_ROLES)
    if not access.may_see_composite(unit):
        raise NotPermittedHere(unit)
    return unit


def composite_customs(access: Access, unit: Unit) -> models.QuerySet:
    return customs_in(unit, access.units(COMPOSITE_ROLES))


# --- The rectification ledger ------------------------------------------------------


def ledger_items(user, *, unit=None, status="", colour="", source="", year=None, today=None) -> models.QuerySet:
    """The ledger's items the user may see, narrowed by the filters: a unit
    (its scope), a status, a colour of the deadline warning on ``today``
    (open items only), a source and the year of the deadline."""
    items = RectificationItem.objects.visible_to(user).select_related("unit", "officer")
    if unit is not None:
        items = items.in_unit_scope(unit)
    if status:
        items = items.filter(status=status)
    if source:
        items = items.filter(source=source)
    if year:
        items = items.filter(deadline__year=year)
    if colour:
        items = items.filter(colour_deadlines(colour, today), status__in=RectificationItem.OPEN)
    return items.order_by("deadline", "pk")


def ledger_units(user) -> models.QuerySet:
    """The units whose ledger the user may open: those their ledger grants cover."""
    return Unit.objects.filter(pk__in=units_in_scope(user, READ_LEDGER))


def ledger_may_create(user) -> bool:
    """Whoever holds an audit or supervision grant opens items (on their units)."""
    return has_grant(user, WRITE_LEDGER)
