"""``import_records KIND FILE [--dry-run] [--user USERNAME]`` (shared/spec/commands.md)."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.importing import kinds, records_import


class Command(BaseCommand):
    help = (
        "Import a .csv or .xlsx file of one record kind, all rows or none. Without --user "
        "the import has full access (it runs with the server's own rights); with --user it "
        "is limited to that user's grants and their name goes into the history."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kinds())
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--user", help="username whose grants limit the import")

    def handle(self, *args, kind, file, dry_run, user, **options):
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"unknown user: {user}")
        outcome = records_import(
            kind=kind,
            dataset_or_file=file,
            file_name=file,
            acting_user=acting_user,
            dry_run=dry_run,
            progress=self._progress,
        )
        if outcome.notice:
            # On stderr: stdout keeps the shape shared/spec/commands.md fixes.
            self.stderr.write(outcome.notice)
        if outcome.problems:
            for problem in outcome.problems:
                self.stdout.write(str(problem))
            raise CommandError(f"{len(outcome.problems)} problem(s) found; nothing was imported.")
        prefix = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {outcome.created}, updated {outcome.updated}, unchanged {outcome.unchanged}"
        )

    def _progress(self, message):
        # Progress goes to stderr so that stdout holds only the result.
        self.stderr.write(str(message))
        sys.stderr.flush()
