"""Reading an import file into a header row and data rows.

Only the two formats of shared/spec/data-formats.md are read: ``.csv``
(UTF-8, with or without the BOM Excel writes) and ``.xlsx`` (the first
worksheet). The format follows the file name's extension. Anything that
cannot be read becomes a ``FileUnreadable`` with a plain message, never a
traceback. Files are read from memory or from where they already are; no
copy is left in a temporary folder.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import tablib
from django.utils.translation import gettext as _

EXTENSIONS = (".csv", ".xlsx")


class FileUnreadable(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Table:
    headers: list
    rows: Sequence[Sequence]


def extension_of(file_name: str) -> str:
    return os.path.splitext(str(file_name or ""))[1].lower()


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        try:
            with open(source, "rb") as handle:
                return handle.read()
        except OSError as error:
            raise FileUnreadable(
                _("The file cannot be opened: %(reason)s.") % {"reason": error.strerror or error}
            ) from None
    if hasattr(source, "chunks"):  # an uploaded file
        return b"".join(source.chunks())
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _csv_table(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileUnreadable(
            _("The file is not UTF-8 text. Save it from Excel as “CSV UTF-8 (comma delimited)”.")
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise FileUnreadable(_("The file is not a readable CSV file: %(reason)s.") % {"reason": error}) from None
    if not rows:
        raise FileUnreadable(_("The file is empty; a header row is expected."))
    return Table(headers=rows[0], rows=rows[1:])


def _xlsx_table(data: bytes) -> Table:
    import openpyxl

    # A damaged or foreign file fails in many ways inside openpyxl (zip,
    # XML, missing parts); to the user they all mean the same thing.
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise FileUnreadable(_("The workbook has no worksheet."))
            rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except FileUnreadable:
        raise
    except Exception:
        raise FileUnreadable(_("The file is not a readable .xlsx workbook.")) from None
    if not rows:
        raise FileUnreadable(_("The first worksheet is empty; a header row is expected."))
    return Table(headers=rows[0], rows=rows[1:])


def read_table(source, file_name: str) -> Table:
    """The header and rows of ``source``: a ``tablib.Dataset`` (already
    parsed, e.g. by the admin), bytes, a path or a file object."""
    if isinstance(source, tablib.Dataset):
        return Table(headers=list(source.headers or []), rows=source)
    extension = extension_of(file_name)
    if extension not in EXTENSIONS:
        raise FileUnreadable(
            _("“%(name)s” is neither a .csv nor an .xlsx file.") % {"name": os.path.basename(str(file_name))}
        )
    data = _read_bytes(source)
    return _csv_table(data) if extension == ".csv" else _xlsx_table(data)
