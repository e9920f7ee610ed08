"""Audit's reminder: rectification items whose deadline is near or past, with
the three-colour warning (RECTIFICATION: yellow with ``yellow_days`` or
fewer left, red with ``red_days`` or fewer or overdue).

Each open item is reminded once per stage (yellow, red, overdue) and
deadline, to each keeper of the ledger for its department (audit items to
audit grants, supervision items to supervision grants) who covers the item's
unit and sees it through ``RectificationItem.objects.visible_to``. A moved
deadline is a new fact and is reminded again.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.recipients import grant_holders
from jobs.registry import Reminder, register_reminder
from org.access import Access
from org.roles import Role

from .models import RectificationItem, colour_deadlines

KEEPER = {
    RectificationItem.Department.AUDIT: Role.AUDIT,
    RectificationItem.Department.SUPERVISION: Role.SUPERVISION,
}
COLOUR_WORDS = {"yellow": gettext_lazy("yellow"), "red": gettext_lazy("red")}


def stage(item: RectificationItem, as_of: dt.date) -> str:
    """``yellow``, ``red`` or ``overdue`` (red, past the deadline); ``green`` needs no reminder."""
    if item.deadline < as_of:
        return "overdue"
    return item.colour(as_of)


def rectification_deadlines(as_of: dt.date):
    due = RectificationItem.objects.filter(status__in=RectificationItem.OPEN).filter(
        Q(colour_deadlines("yellow", as_of)) | Q(colour_deadlines("red", as_of))
    )
    for user in grant_holders(KEEPER.values()):
        access = Access(user)
        for item in due.visible_to(user).select_related("unit", "officer").order_by("deadline", "pk"):
            if not access.covers(item.unit, KEEPER[item.department]):
                continue
            now = stage(item, as_of)
            left = (item.deadline - as_of).days
            if now == "overdue":
                title = _("Rectification overdue by %(days)s days (red): %(item)s") % {
                    "days": -left,
                    "item": item.description[:60],
                }
            else:
                title = _("Rectification deadline in %(days)s days (%(colour)s): %(item)s") % {
                    "days": left,
                    "colour": COLOUR_WORDS[now],
                    "item": item.description[:60],
                }
            body = _("Responsible unit: %(unit)s; responsible person: %(person)s; deadline %(deadline)s.") % {
                "unit": item.unit.name,
                "person": item.officer.name,
                "deadline": item.deadline.isoformat(),
            }
            yield Reminder(
                recipient=user,
                kind="rectification_deadline",
                key=f"rect:{item.pk}:{item.deadline.isoformat()}:{now}",
                title=title,
                body=body,
                url=reverse("audit:ledger_item", args=[item.pk]),
                records=((RectificationItem, (item.pk,)),),
            )


register_reminder(
    "rectification_deadline",
    gettext_lazy("Rectification deadlines near or past (three colours)"),
    gettext_lazy("Audit"),
    rectification_deadlines,
    order=200,
)
