"""``export_records KIND FILE [--unit CODE] [--headers codes|zh]`` and
``export_records KIND --template FILE`` (shared/spec/commands.md, docs/importing.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.importing import kinds
from core.importing.exporting import CODES, HEADER_MODES, WRITERS
from core.importing.services import records_export_file
from core.importing.workbook_template import write_import_template
from org.models import Unit


class Command(BaseCommand):
    help = (
        "Export every record of one kind (within the scope of --unit if given) to a .csv or "
        ".xlsx file that import_records reads back unchanged, writing the rows as they are read. "
        "CSV is written as UTF-8 with a BOM so that Excel shows Chinese text correctly. "
        "With --template, write the kind's blank .xlsx import template instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kinds())
        parser.add_argument("file", nargs="?", help="the .csv or .xlsx file to write")
        parser.add_argument("--unit", help="code of the unit whose scope to export")
        parser.add_argument(
            "--headers",
            choices=HEADER_MODES,
            default=CODES,
            help="codes: the canonical headers and codes (default); zh: Chinese headers and labels",
        )
        parser.add_argument("--template", metavar="FILE", help="write the kind's .xlsx import template to FILE")

    def handle(self, *args, kind, file, unit, headers, template, **options):
        if template is not None:
            if file is not None or unit is not None:
                raise CommandError("--template writes a blank template: give no FILE and no --unit with it")
            self._write_template(kind, Path(template))
            return
        if file is None:
            raise CommandError("give the FILE to export to (or --template FILE)")
        path = Path(file)
        extension = path.suffix.lower()
        if extension not in WRITERS:
            raise CommandError(f"{file}: the file name must end in .csv or .xlsx")
        scope = None
        if unit is not None:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(f"unknown unit: {unit}")
        self.stderr.write(f"exporting {kind} ...")
        try:
            with path.open("wb") as out:
                count = records_export_file(kind=kind, out=out, extension=extension, unit=scope, mode=headers)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        self.stdout.write(f"exported {count} {kind} rows to {file}")

    def _write_template(self, kind, path):
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{path}: a template is an .xlsx workbook; the file name must end in .xlsx")
        try:
            with path.open("wb") as out:
                write_import_template(kind, out)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        self.stdout.write(f"wrote the {kind} import template to {path}")
