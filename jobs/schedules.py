"""The jobs app's own daily schedules: the day's reminders, after every app's
other work (the risk scan first, so its new alerts are reported the same
day), then the expired jobs."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .registry import register_schedule
from .services import jobs_prune, reminders_send


def _reminders(as_of) -> str:
    counts = reminders_send(as_of=as_of)
    return _("reminders sent: %(counts)s") % {"counts": ", ".join(f"{k} {v}" for k, v in counts.items()) or "0"}


def _prune(as_of) -> str:
    return _("expired jobs deleted: %(count)s") % {"count": jobs_prune()}


register_schedule("reminders", gettext_lazy("Daily reminders"), _reminders, order=500)
register_schedule("prune_jobs", gettext_lazy("Delete expired jobs"), _prune, order=900)
