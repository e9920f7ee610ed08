from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from reports.pdf import unit_report

from ._common import add_reader_argument, output_path, reader, unit


class Command(BaseCommand):
    help = "Write the team-building report of one unit for a year as a PDF (shared/spec/commands.md)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, metavar="CODE")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, metavar="FILE.pdf")
        add_reader_argument(parser)

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            who = reader(options)
            path = output_path(options["output"], ".pdf")
            target = unit(options["unit"], who, report=True)
            pdf = unit_report.render(target, options["year"], who)
            path.write_bytes(pdf)
        self.stderr.write(f"{path} ({len(pdf)} bytes)")
