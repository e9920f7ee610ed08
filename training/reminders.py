"""HR's reminders, from 1 October (REMINDERS["training_from"]) to the end of
the year: officers in scope still short of 12 training days this year, and
leaders and reserve cadres short of the five-year full-time training.

One message per unit (the officers' current unit) with the list, to each
holder of an HR grant covering it, naming only officers the recipient sees
(``Officer.objects.visible_to``). It is sent once a month per unit: the
fact reminded is "this unit's shortfall in this month", so a second run the
same month sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import indicators as engine
from jobs.recipients import grant_holders
from jobs.registry import Reminder, register_reminder
from org.access import Access
from org.models import Unit
from org.roles import Role
from personnel.models import Officer, ReserveCadre

GROUP = gettext_lazy("HR")


def in_season(as_of: dt.date) -> bool:
    month, day = settings.REMINDERS["training_from"]
    return as_of >= dt.date(as_of.year, month, day)


def _roots(user) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=Access(user).granted(Role.HR)).order_by("code"))


def _by_unit(officers) -> dict[Unit, list[Officer]]:
    grouped = defaultdict(list)
    for officer in officers:
        grouped[officer.unit].append(officer)
    return grouped


def _line(officer) -> str:
    return _("%(staff_no)s %(name)s: %(days)s days") % {
        "staff_no": officer.staff_no,
        "name": officer.name,
        "days": engine.number(officer.figure),
    }


def _members(queryset, user, root, seen: set[int]):
    """``queryset``'s officers in ``root``'s scope that the user sees, once each."""
    for officer in queryset.in_unit_scope(root).filter(pk__in=Officer.objects.visible_to(user).values("pk")):
        if officer.pk not in seen:
            seen.add(officer.pk)
            yield officer


def training_days_short(as_of: dt.date):
    if not in_season(as_of):
        return
    year, minimum = as_of.year, engine.threshold("training_days_min")
    indicator = engine.get("training_days_12")
    for user in grant_holders([Role.HR]):
        seen: set[int] = set()
        short = []
        for root in _roots(user):
            members = indicator.members(year=year, root=root).filter(meets=False).select_related("unit")
            short += _members(members.order_by("unit__code", "staff_no"), user, root, seen)
        for unit, officers in _by_unit(short).items():
            yield Reminder(
                recipient=user,
                kind="training_days_short",
                key=f"training-days:{year}-{as_of.month:02d}:{unit.code}",
                title=_("%(unit)s: %(count)s officers short of %(days)s training days in %(year)s")
                % {"unit": unit.name, "count": len(officers), "days": minimum, "year": year},
                body="\n".join(_line(officer) for officer in officers),
                records=((Officer, tuple(o.pk for o in officers)),),
            )


def fulltime_short(as_of: dt.date):
    """Division- and bureau-level leaders (the indicator's definition) and
    the officers on the reserve list now, short of the full-time days of
    the five-year window ending this year."""
    if not in_season(as_of):
        return
    year, minimum = as_of.year, engine.threshold("leader_fulltime_days_min")
    indicator = engine.get("leader_fulltime_training_5y")
    reserve = ReserveCadre.objects.filter(added_date__lte=as_of).exclude(removed_date__lte=as_of)
    for user in grant_holders([Role.HR]):
        seen: set[int] = set()
        short = []
        reserve_of: dict[int, list[int]] = defaultdict(list)
        for root in _roots(user):
            leaders = indicator.members(year=year, root=root).filter(meets=False)
            short += _members(leaders.select_related("unit").order_by("unit__code", "staff_no"), user, root, seen)
            visible_reserve = reserve.visible_to(user).in_unit_scope(root)
            cadres = (
                indicator.with_days(
                    Officer.objects.filter(pk__in=visible_reserve.values("officer"), leave_date__isnull=True), year
                )
                .filter(meets=False)
                .select_related("unit")
                .order_by("unit__code", "staff_no")
            )
            for officer in _members(cadres, user, root, seen):
                short.append(officer)
                reserve_of[officer.pk] += visible_reserve.filter(officer=officer).values_list("pk", flat=True)
        for unit, officers in _by_unit(short).items():
            yield Reminder(
                recipient=user,
                kind="fulltime_short",
                key=f"fulltime:{year}-{as_of.month:02d}:{unit.code}",
                title=_("%(unit)s: %(count)s leaders or reserve cadres short of %(days)s full-time training days")
                % {"unit": unit.name, "count": len(officers), "days": minimum},
                body="\n".join(_line(officer) for officer in officers),
                records=(
                    (Officer, tuple(o.pk for o in officers)),
                    (ReserveCadre, tuple(pk for o in officers for pk in reserve_of.get(o.pk, []))),
                ),
            )


register_reminder(
    "training_days_short",
    gettext_lazy("Officers short of 12 training days (from 1 October)"),
    GROUP,
    training_days_short,
    order=300,
)
register_reminder(
    "fulltime_short",
    gettext_lazy("Leaders and reserve cadres short of five-year full-time training (from 1 October)"),
    GROUP,
    fulltime_short,
    order=310,
)
