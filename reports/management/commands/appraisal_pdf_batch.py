from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from reports.pdf import batch

from ._common import ProgressBar, add_reader_argument, output_path, reader, unit


class Command(BaseCommand):
    help = "Write the appraisal dossiers of every leader of a unit (and its scope) into one zip."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, metavar="CODE")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, metavar="FILE.zip")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")
        add_reader_argument(parser)

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            who = reader(options)
            path = output_path(options["output"], ".zip")
            target = unit(options["unit"], who, report=False)
            progress = None if options["no_progress"] else ProgressBar(self.stderr._out)
            invocation = f"manage.py appraisal_pdf_batch --unit {target.code} --year {options['year']}"
            partial = path.with_name(path.name + ".part")
            try:
                with transaction.atomic(), partial.open("wb") as out:
                    count = batch.write_zip(out, target, options["year"], who, progress=progress, path=invocation)
                partial.replace(path)
            finally:
                partial.unlink(missing_ok=True)
        self.stderr.write(f"{path}: {count}")
