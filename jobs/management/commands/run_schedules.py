"""``manage.py run_schedules [--as-of YYYY-MM-DD] [--enqueue]``: the daily
schedules (the risk scan, the reminders, deleting expired jobs), each at
most once a day, so running it twice the same day does nothing more.

One cron line (docs/jobs.md)::

    10 2 * * * cd /srv/app && .venv/bin/python manage.py run_schedules

``--enqueue`` queues the same work for a worker instead of doing it here.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.services import schedules_run
from jobs.tasks import run_schedules


class Command(BaseCommand):
    help = "Run the daily schedules (risk scan, reminders, expired jobs) once for the day."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", default="")
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args, as_of, enqueue, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(
                _("--as-of must be a date written YYYY-MM-DD, not %(value)r.") % {"value": as_of}
            ) from None
        if enqueue:
            run_schedules.enqueue(day.isoformat())
            self.stdout.write(_("Queued the schedules of %(date)s for a worker.") % {"date": day.isoformat()})
            return
        for name, summary in schedules_run(as_of=day):
            if summary is None:
                self.stdout.write(_("%(name)s: already ran on %(date)s") % {"name": name, "date": day.isoformat()})
            else:
                self.stdout.write(f"{name}: {summary}")
