"""``scan_risks --as-of YYYY-MM-DD [--format table|json]`` (shared/spec/commands.md).

Meant to run daily from cron, e.g. ``15 2 * * * manage.py scan_risks --as-of $(date +\\%F)``.
Prints the alerts open (or in review) after the scan on standard output; the
progress line goes to standard error so that JSON stays parseable.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.dates import parse_date
from integrity.risk import active_alerts, alert_as_dict, scan


def _date(value: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError:
        raise CommandError(_("--as-of must be a date written YYYY-MM-DD, not %(value)r.") % {"value": value}) from None


class Command(BaseCommand):
    help = "Run the integrity-risk rules at a date and print the open alerts."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, dest="as_of")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, as_of, format, **options):
        result = scan(as_of=_date(as_of))
        self.stderr.write(
            _(
                "Scan at %(date)s: %(created)s raised, %(updated)s updated, %(unchanged)s unchanged, "
                "%(suppressed)s not raised again after a recent closure."
            )
            % {
                "date": result.as_of.isoformat(),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "suppressed": result.suppressed,
            }
        )
        alerts = [alert_as_dict(alert) for alert in active_alerts()]
        if format == "json":
            self.stdout.write(json.dumps(alerts, ensure_ascii=False))
            return
        header = ("rule", "subject", "score", "status", "facts")
        rows = [
            (a["rule"], f"{a['subject_type']}:{a['subject']}", str(a["score"]), a["status"], "; ".join(a["facts"]))
            for a in alerts
        ]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            self.stdout.write("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
