from django.utils.translation import gettext_lazy as _

from jobs.registry import register_schedule

from .risk import scan
from .tasks import scan_summary


def _daily_scan(as_of) -> str:
    return scan_summary(scan(as_of=as_of))


# First of the day's work, so the reminders that follow report its alerts.
register_schedule("risk_scan", _("Daily integrity-risk scan"), _daily_scan, order=100)
