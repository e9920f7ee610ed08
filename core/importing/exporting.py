"""Exports written as their rows are read (docs/importing.md, "Exports").

An export is a ``Sheet``: its header row and a stream of rows read from the
database with a server-side cursor (``QuerySet.iterator``), each row turned
into cells as it arrives. The writers below consume the stream: CSV in
chunks (``csv_chunks``, for a ``StreamingHttpResponse`` or a file) and
``.xlsx`` through openpyxl's write-only workbook (``write_xlsx``), so the
memory an export takes does not grow with its rows. Nothing goes through
tablib's ``Dataset``, which holds every row and escapes formulas in
quadratic time.

A record kind's rows are read as plain values (``values_list``) along each
column's path (a reference column reads the referenced record's code), in
the order of the kind's key, so that the same records always give the same
file. Two forms exist:

* ``CODES``: the canonical headers and values of shared/spec/data-formats.md
  (``export_records`` without ``--headers``; scripts depend on them);
* ``CHINESE``: the Chinese headers and choice labels of
  ``core.importing.headers``, ``是``/``否`` for yes/no and, in a workbook,
  dates and numbers as real date and number cells.

Both re-import with every row unchanged; text cells are formula-escaped in
both (``formats.formula_escape``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import tablib
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from .formats import formula_escape, neutralised
from .headers import choice_labels, column_label
from .widgets import Amount, Boolean, Choice, Count, Date, Month, Reference, Text

CODES = "codes"
CHINESE = "zh"
HEADER_MODES = (CODES, CHINESE)
CHUNK_SIZE = 2000
CSV_ROWS_PER_CHUNK = 1000
BOM = "\ufeff"
# Every part of a workbook carries this time, and the workbook's own
# created/modified properties too: the same records give the same bytes,
# so two exports can be compared by their checksum.
FIXED_TIME = dt.datetime(2000, 1, 1)


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable[tuple]


# ------------------------------------------------------------ the cells


def cell_converter(resource, column, mode: str, typed: bool) -> Callable:
    """value as read from the database -> the cell written (None: empty)."""
    widget = column.widget
    if isinstance(widget, (Text, Reference)):
        return lambda value: None if value is None else formula_escape(str(value))
    if isinstance(widget, Month):
        # A month (YYYY-MM): written as text.
        return lambda value: None if value is None else widget.render(value)
    if isinstance(widget, Date):
        if typed:
            return lambda value: value
        return lambda value: None if value is None else value.isoformat()
    if isinstance(widget, Boolean):
        yes, no = ("是", "否") if mode == CHINESE else ("true", "false")
        return lambda value: None if value is None else (yes if value else no)
    if isinstance(widget, Choice):
        if mode == CHINESE:
            labels = choice_labels(widget)
            return lambda value: None if value is None else labels.get(str(value), str(value))
        return lambda value: None if value is None else str(value)
    if isinstance(widget, (Count, Amount)):
        if typed:
            return lambda value: value
        return lambda value: None if value is None else str(value)
    return lambda value: None if value is None else widget.render(value)


def column_path(column) -> str:
    """The ``values_list`` path a column's value is read from."""
    if column.is_reference:
        return f"{column.attribute}__{column.widget.field}"
    return column.attribute


def header(resource, column, mode: str) -> str:
    return column_label(resource, column) if mode == CHINESE else column.column_name


def record_sheet(resource, queryset, *, mode: str = CODES, typed: bool = False, columns=None) -> Sheet:
    """The export of ``queryset`` (already scoped to the reader) through a
    ``RecordResource``: ``columns`` (canonical names; all if None) in the
    kind's order."""
    chosen = [c for c in resource.columns() if columns is None or c.column_name in columns]
    converters = [cell_converter(resource, c, mode, typed) for c in chosen]
    paths = [column_path(c) for c in chosen]

    def rows():
        for values in queryset.values_list(*paths).iterator(chunk_size=CHUNK_SIZE):
            yield tuple(convert(value) for convert, value in zip(converters, values, strict=True))

    return Sheet(
        title=resource.record_kind,
        headers=[header(resource, c, mode) for c in chosen],
        rows=rows(),
    )


def resource_sheet(resource, queryset, *, columns=None) -> Sheet:
    """The export of a kind that is not a record kind (e.g. the alerts):
    import-export's own rendering of each record, read one chunk at a time,
    formula-neutralised."""
    fields = resource.get_export_fields(columns) if columns is not None else None

    def rows():
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield tuple(neutralised(cell) for cell in resource.export_resource(obj, fields))

    return Sheet(title=queryset.model._meta.model_name, headers=resource.get_export_headers(fields), rows=rows())


# ------------------------------------------------------------- writers
def as_dataset(sheet: Sheet) -> tablib.Dataset:
    """The sheet as an in-memory table (empty cells as ""), for the small
    exports code reads (tests, import-export's ``Resource.export``)."""
    rows = (tuple("" if cell is None else cell for cell in row) for row in sheet.rows)
    return tablib.Dataset(*rows, headers=sheet.headers, title=sheet.title)


def csv_chunks(sheet: Sheet) -> Iterator[bytes]:
    """The sheet as UTF-8 CSV with the BOM Excel needs to read it as UTF-8,
    a few hundred kilobytes at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(sheet.headers)
    for count, row in enumerate(sheet.rows, start=1):
        writer.writerow(row)
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(sheet: Sheet, out) -> None:
    for chunk in csv_chunks(sheet):
        out.write(chunk)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose parts all carry ``FIXED_TIME``, so that its bytes depend
    on its content alone."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes a write-only sheet to a temporary file, then copies
        # it in here, a block at a time.
        with open(filename, "rb") as source, self.open(self._info(arcname or filename), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


def save_workbook(book: Workbook, out) -> None:
    """``book`` written to ``out`` (a path or a binary file) with fixed
    timestamps: the same content gives the same bytes."""
    book.properties.created = book.properties.modified = FIXED_TIME
    archive = _FixedTimeZip(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(book, archive).save()


def write_xlsx(sheet: Sheet, out) -> None:
    """The sheet as an .xlsx workbook of one worksheet, written row by row
    (openpyxl's write-only mode keeps no row in memory)."""
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(title=sheet.title[:31])
    worksheet.append(sheet.headers)
    for row in sheet.rows:
        worksheet.append(row)
    save_workbook(book, out)


WRITERS = {".csv": write_csv, ".xlsx": write_xlsx}
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
