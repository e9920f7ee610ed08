"""What the apps above offer the jobs app: reminder kinds and daily schedules.

An app registers them in its own ``reminders.py`` / ``schedules.py``
(autodiscovered by ``JobsConfig.ready``), so the ground layer imports no app
above it and a new app shows up by registering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Reminder:
    """One message for one user about one fact.

    ``key`` names the fact (rule, record, stage, day) and is unique per
    recipient, so the same fact is never sent twice. ``records`` lists every
    record the message names, as (queryset of the kind, ids): the sender
    checks at send time that the recipient still sees each of them through
    the kind's ``visible_to``, and drops the message otherwise.
    """

    recipient: object
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""
    records: tuple[tuple[type[models.Model], tuple[int, ...]], ...] = field(default=())


@dataclass(frozen=True)
class ReminderKind:
    key: str
    label: str
    group: str
    build: Callable[[dt.date], Iterable[Reminder]] | None
    order: int = 100
    # Called in the sending transaction for each message sent (an access
    # log for a need-to-know kind): a message that cannot be logged is not sent.
    sent: Callable[[Reminder], None] | None = None


@dataclass(frozen=True)
class Schedule:
    name: str
    label: str
    run: Callable[[dt.date], str]
    order: int = 100


_kinds: dict[str, ReminderKind] = {}
_schedules: dict[str, Schedule] = {}


def register_reminder(key: str, label, group, build=None, order: int = 100, sent=None) -> None:
    """``build(as_of)`` yields the reminders due on ``as_of``; a kind without
    one (a finished job) is sent by the code that knows the fact."""
    _kinds[key] = ReminderKind(key, label, group, build, order, sent)


def register_schedule(name: str, label, run, order: int = 100) -> None:
    """``run(as_of)`` does the day's work and answers a one-line summary."""
    _schedules[name] = Schedule(name, label, run, order)


def reminder_kinds() -> list[ReminderKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))


def reminder_kind(key: str) -> ReminderKind | None:
    return _kinds.get(key)


def schedules() -> list[Schedule]:
    return sorted(_schedules.values(), key=lambda schedule: (schedule.order, schedule.name))
