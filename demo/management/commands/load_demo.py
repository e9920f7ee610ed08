"""Load the deterministic demo service and create the demo accounts.

    python manage.py load_demo --scale 600 --reset [--seed 1] [--year 2025]
    python manage.py load_demo --scale 100000 --csv DIR   # import files only

Progress goes to standard error; the accounts and what they see go to
standard output. After loading, the integrity-risk scan runs once at the
last day of the demo year, so the alert desk has alerts to review, and the
rectification ledger is built from the findings, inspections and alerts.

``--reset`` leaves the integrity access log alone (it is append-only:
``fixtures.loader.demo_data_reset``).
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core import figures
from fixtures.accounts import DEMO_PASSWORD, DEMO_USERNAMES, demo_accounts_create
from fixtures.demo import DemoService, default_year
from fixtures.ledger import demo_ledger_load
from fixtures.loader import demo_data_reset, demo_service_load
from integrity.risk import scan
from org.models import Unit


class Command(BaseCommand):
    help = _("Load the demo customs service and create the demo accounts (development only).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=600, help=_("number of officers, from a few hundred to 100000")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("random seed; the same seed gives the same service"))
        parser.add_argument("--year", type=int, default=None, help=_("the last year of data (default: last year)"))
        parser.add_argument("--reset", action="store_true", help=_("empty the project's tables first"))
        parser.add_argument(
            "--csv",
            metavar="DIR",
            default=None,
            help=_("write the import files (one CSV per record kind) to DIR instead of loading the database"),
        )

    def handle(self, *args, scale, seed, year, reset, csv, **options):
        if scale < 1:
            raise CommandError(_("--scale must be at least 1."))
        service = DemoService(scale=scale, seed=seed, year=year if year is not None else default_year())
        if csv:
            counts = service.write_import_files(csv)
            for kind, n in counts.items():
                self.stdout.write(f"{kind}: {n}")
            return

        if not settings.DEBUG:
            # The accounts share a published password and --reset empties
            # tables: neither belongs anywhere near a production database.
            raise CommandError(
                _(
                    'load_demo refuses to run with DEBUG off: it creates accounts whose password is "%(password)s". '
                    "Run it on a development database with DEBUG=1."
                )
                % {"password": DEMO_PASSWORD}
            )
        started = time.monotonic()
        # One transaction: a load that fails half-way leaves the database as
        # it was, reset included.
        with transaction.atomic():
            if reset:
                demo_data_reset()
                self.stderr.write(_("emptied the project's tables"))
            elif Unit.objects.exists():
                raise CommandError(
                    _("The database already holds units; run with --reset to replace them with the demo service.")
                )
            self.stderr.write(
                _("generating %(n)s officers (seed %(seed)s, data up to %(year)s)")
                % {
                    "n": service.officer_count,
                    "seed": seed,
                    "year": service.year,
                }
            )
            demo_service_load(service=service, progress=self.stderr.write)
            if connection.vendor == "postgresql":
                # Fresh statistics before the scan and the first readers:
                # the planner would otherwise take millions of rows for none.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            accounts = demo_accounts_create()
            # The alert desk would be empty until the first scan_risks.
            result = scan(as_of=dt.date(service.year, 12, 31))
            # scan_risks' own message (and translation).
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
            # The rectification ledger draws on the findings, inspections and alerts just written.
            ledger = demo_ledger_load(year=service.year, seed=seed)
            self.stderr.write(_("rectification ledger: %(n)s items") % {"n": ledger})
            # The figures the dashboards open with, so no first reader waits.
            warmed = figures.warm(year=service.year)
            self.stderr.write(_("indicator figures computed: %(n)s") % {"n": warmed})
        self.stderr.write(_("done in %(seconds).1f s") % {"seconds": time.monotonic() - started})

        self.stdout.write(
            _('Demo accounts (password "%(password)s"), log in at /accounts/login/:') % {"password": DEMO_PASSWORD}
        )
        width = max(len(u) for u in DEMO_USERNAMES)
        for account in accounts:
            self.stdout.write(
                "  "
                + _("%(username)s  %(grant)s -- sees units: %(units)s, officers: %(officers)s")
                % {
                    "username": account.username.ljust(width),
                    "grant": account.grant,
                    "units": account.units_seen,
                    "officers": account.officers_seen,
                }
            )
