"""``export_records KIND FILE [--unit CODE]`` (shared/spec/commands.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.importing import kinds, records_export
from core.importing.formats import CSV, XLSX
from org.models import Unit

FORMATS = {".csv": CSV, ".xlsx": XLSX}


class Command(BaseCommand):
    help = (
        "Export every record of one kind (within the scope of --unit if given) to a .csv or "
        ".xlsx file that import_records reads back unchanged. CSV is written as UTF-8 with a "
        "BOM so that Excel shows Chinese text correctly."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kinds())
        parser.add_argument("file")
        parser.add_argument("--unit", help="code of the unit whose scope to export")

    def handle(self, *args, kind, file, unit, **options):
        path = Path(file)
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None:
            raise CommandError(f"{file}: the file name must end in .csv or .xlsx")
        scope = None
        if unit is not None:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(f"unknown unit: {unit}")
        self.stderr.write(f"exporting {kind} ...")
        dataset = records_export(kind=kind, acting_user=None, unit=scope)
        data = file_format().export_data(dataset)
        try:
            if isinstance(data, str):
                path.write_text(data, encoding="utf-8-sig", newline="")
            else:
                path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        self.stdout.write(f"exported {len(dataset)} {kind} rows to {file}")
