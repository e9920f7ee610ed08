"""``refresh_figures [--year Y] [--years N] [--all-units]``: recompute the
stale and missing rows of the figure snapshot (core/figures.py), e.g. after
a bulk load or from a nightly job, so that no reader waits for them."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core import figures


class Command(BaseCommand):
    help = "Recompute the stale and missing indicator figures of the snapshot."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, default=dt.date.today().year - 1, help="the last year (default: last year)"
        )
        parser.add_argument("--years", type=int, default=5, help="how many years up to --year (default 5)")
        parser.add_argument("--all-units", action="store_true", help="every unit, not only those dashboards open with")

    def handle(self, *args, year, years, all_units, **options):
        if all_units:
            computed = figures.refresh(years=range(year - years + 1, year + 1))
        else:
            computed = figures.warm(year=year, years=years)
        self.stdout.write(_("%(n)s figures computed") % {"n": computed})
