"""Supervision's reminders: new alerts in scope, and alerts past their due
date (still open or in review ``alert_review_days`` after they were raised).

One message per alert and stage, to each holder of a supervision grant whose
need-to-know queryset (``RiskAlert.objects.visible_to``) holds the alert: an
alert about the recipient, or outside their grants, is never named to them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.recipients import grant_holders
from jobs.registry import Reminder, register_reminder
from org.roles import Role

from .models import AccessLog, RiskAlert
from .services import access_log_record

GROUP = gettext_lazy("Supervision")


def _message(user, alert, kind, key, title) -> Reminder:
    return Reminder(
        recipient=user,
        kind=kind,
        key=key,
        title=title,
        body="\n".join(str(fact) for fact in alert.facts),
        url=reverse("integrity:alert_detail", args=[alert.pk]),
        records=((RiskAlert, (alert.pk,)),),
    )


def new_alerts(as_of: dt.date):
    since = as_of - dt.timedelta(days=settings.REMINDERS["new_alert_days"])
    fresh = RiskAlert.objects.active().filter(raised_on__gte=since, raised_on__lte=as_of)
    for user in grant_holders([Role.SUPERVISION]):
        for alert in fresh.visible_to(user).select_related("officer", "unit"):
            title = _("New integrity-risk alert: %(alert)s (score %(score)s)") % {"alert": alert, "score": alert.score}
            yield _message(user, alert, "alerts_new", f"alert-new:{alert.pk}", title)


def overdue_alerts(as_of: dt.date):
    due_before = as_of - dt.timedelta(days=settings.REMINDERS["alert_review_days"])
    late = RiskAlert.objects.active().filter(raised_on__lt=due_before)
    for user in grant_holders([Role.SUPERVISION]):
        for alert in late.visible_to(user).select_related("officer", "unit"):
            title = _("Alert past its review date: %(alert)s, raised %(date)s") % {
                "alert": alert,
                "date": alert.raised_on.isoformat(),
            }
            yield _message(user, alert, "alerts_overdue", f"alert-overdue:{alert.pk}", title)


def log_sent(reminder: Reminder) -> None:
    """A message naming an alert shows it: the access log says so (access.md)."""
    for model, ids in reminder.records:
        access_log_record(
            user=reminder.recipient,
            action=AccessLog.Action.REPORT,
            model=model,
            object_ids=ids,
            path=f"reminder:{reminder.key}",
        )


register_reminder(
    "alerts_new", gettext_lazy("New integrity-risk alerts in my scope"), GROUP, new_alerts, order=100, sent=log_sent
)
register_reminder(
    "alerts_overdue", gettext_lazy("Alerts past their review date"), GROUP, overdue_alerts, order=110, sent=log_sent
)
