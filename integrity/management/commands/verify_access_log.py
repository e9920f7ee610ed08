"""``verify_access_log``: walk the access log's hash chain and report the
first broken link (docs/integrity.md)."""

from django.core.management.base import BaseCommand, CommandError

from integrity.access_chain import chain_verify, log_rows
from integrity.models import AccessLog


class Command(BaseCommand):
    help = (
        "Check that no row of the access log was edited, removed or inserted behind the system's back: "
        "recompute every row's hash and its link to the row before it. Exits 1 at the first broken link "
        "(naming the row), 0 when the chain is intact. Progress goes to standard error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, database, **options):
        def progress(count, row_id):
            self.stderr.write(f"checked {count:,} rows (up to id {row_id}) ...")

        self.stderr.write("verifying the access log ...")
        count, head, broken = chain_verify(log_rows(AccessLog, using=database), progress=progress)
        if broken is not None:
            raise CommandError(
                f"access log chain broken at {broken} (the {count - 1:,} rows before it are intact)", returncode=1
            )
        self.stdout.write(f"access log intact: {count:,} rows, last hash {head}")
