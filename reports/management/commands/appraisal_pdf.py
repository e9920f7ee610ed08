from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from reports.pdf import dossier

from ._common import add_reader_argument, officer, output_path, reader


class Command(BaseCommand):
    help = "Write the appraisal dossier of one leader as a PDF (shared/spec/commands.md)."

    def add_arguments(self, parser):
        parser.add_argument("--staff-no", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, metavar="FILE.pdf")
        add_reader_argument(parser)

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            who = reader(options)
            path = output_path(options["output"], ".pdf")
            person = officer(options["staff_no"], who)
            with transaction.atomic():  # the access log and the file together
                pdf = dossier.render(person, options["year"], who, path=_invocation(options))
                path.write_bytes(pdf)
        self.stderr.write(f"{path} ({len(pdf)} bytes)")


def _invocation(options) -> str:
    return f"manage.py appraisal_pdf --staff-no {options['staff_no']} --year {options['year']}"
