"""The uploaded file again, with a problems column beside its rows.

A person fixes a refused file where they keep it: "download the file with
its problems" gives back their own sheet, every row where it was, with one
more column after the widest row that says what is wrong with that row
(``column: message; ...``). The header row's cell of that column is headed
"Problems" and carries the problems of the file's header itself (a missing
or repeated column). A CSV file comes back in its own encoding (UTF-8 with
the BOM Excel needs to read it) and delimiter; a workbook as a workbook of
its first sheet's values, date cells as date cells.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell

from .files import csv_format, extension_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"


def _notes(problems) -> dict[int, str]:
    """row -> "column: message; ..." for every row with a problem."""
    by_row = defaultdict(list)
    for problem in problems:
        by_row[problem.row].append(f"{problem.column}: {problem.message}")
    return {row: "; ".join(lines) for row, lines in by_row.items()}


def _header_note(notes) -> str:
    heading = _("Problems")
    return f"{heading} ({notes[1]})" if 1 in notes else heading


def annotated_file(data: bytes, file_name: str, problems) -> tuple[bytes, str]:
    """(content, content type) of ``data`` with its ``problems`` beside the
    rows they are about."""
    notes = _notes(problems)
    if extension_of(file_name) == ".xlsx":
        return _xlsx(data, notes), XLSX_TYPE
    return _csv(data, notes), CSV_TYPE


def _csv(data: bytes, notes) -> bytes:
    form = csv_format(data)
    # "utf-8" and "utf-8-sig" both come back with the BOM Excel needs.
    encoding = "utf-8-sig" if form.encoding.startswith("utf-8") else form.encoding
    rows = list(csv.reader(io.StringIO(data.decode(form.encoding), newline=""), delimiter=form.delimiter))
    width = max((len(row) for row in rows), default=0)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=form.delimiter)
    for number, row in enumerate(rows, start=1):
        note = _header_note(notes) if number == 1 else notes.get(number, "")
        writer.writerow(row + [""] * (width - len(row)) + [note])
    return out.getvalue().encode(encoding)


def _xlsx(data: bytes, notes) -> bytes:
    source = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = source.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        title = sheet.title
    finally:
        source.close()
    width = max((len(row) for row in rows), default=0)
    book = openpyxl.Workbook(write_only=True)
    target = book.create_sheet(title=title)
    for number, row in enumerate(rows, start=1):
        note = _header_note(notes) if number == 1 else notes.get(number, "")
        target.append([_cell(target, value) for value in row + [None] * (width - len(row)) + [note or None]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value):
    """A text cell stays text: openpyxl would store "=..." as a formula."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
