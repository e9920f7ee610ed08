"""Reading an import file into a header row and a stream of data rows.

Only the two formats of shared/spec/data-formats.md are read: ``.csv`` and
``.xlsx`` (the first worksheet). The format follows the file name's
extension. A CSV file's encoding is found by decoding rules, never guessed
from a sample (``csv_format``): a BOM names UTF-8 or UTF-16; without one the
whole file must decode as strict UTF-8, else as strict GB18030 (which
contains GBK and GB2312, what Excel on Chinese Windows writes for "CSV");
text holding a NUL character is neither (UTF-16 without its BOM). Its
delimiter, comma or tab (Excel's "Unicode text"), is the one that splits
the header line into more columns. Anything that
cannot be read becomes a ``FileUnreadable`` with a plain message, never a
traceback. Files are read from memory or from where they already are; no
copy is left in a temporary folder.

A file is bounded before it is parsed (settings ``IMPORT_MAX_*``,
docs/importing.md): its size; for a workbook the uncompressed size of every
part of the zip (a zip bomb is refused without inflating it) and the size
its sheet declares. While the rows stream, the number of rows, the columns
of a row and the characters of a cell are counted, and the first one past
its limit stops the reading. The rows are never held in memory as a whole:
``Table.rows`` reads the file again each time it is iterated.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

EXTENSIONS = (".csv", ".xlsx")
# A workbook has a few dozen parts; a zip of millions of empty parts would
# take gigabytes just to list. Counted from the zip's end record first.
MAX_XLSX_PARTS = 1000
_END_OF_ZIP = b"PK\x05\x06"
_END_OF_ZIP_SIZE = 22


class FileUnreadable(Exception):
    """The file cannot be read (any further); the message says why, and
    ``row`` and ``column`` where (row 1, column ``-``: the file as a whole)."""

    def __init__(self, message, row=1, column="-"):
        super().__init__(message)
        self.row = row
        self.column = column


@dataclass
class Table:
    headers: list
    rows: Iterable


class Rows:
    """The data rows of a file, read afresh by each iteration."""

    def __init__(self, read: Callable[[], Iterator]):
        self._read = read

    def __iter__(self):
        return self._read()


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    rows: int
    cell_chars: int
    xlsx_uncompressed_bytes: int
    columns: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            file_bytes=settings.IMPORT_MAX_FILE_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            xlsx_uncompressed_bytes=settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES,
            columns=settings.IMPORT_MAX_COLUMNS,
        )


def extension_of(file_name: str) -> str:
    return os.path.splitext(str(file_name or ""))[1].lower()


# ------------------------------------------------------------- the source
class _Source:
    """Bytes, a path or a file object (an upload), opened as a binary file
    as many times as the rows are read."""

    def __init__(self, source):
        self.source = source

    def size(self) -> int:
        source = self.source
        if isinstance(source, bytes):
            return len(source)
        if isinstance(source, (str, Path)):
            try:
                return os.stat(source).st_size
            except OSError as error:
                raise _cannot_open(error) from None
        size = getattr(source, "size", None)
        if size is not None:
            return size
        position = source.tell()
        source.seek(0, io.SEEK_END)
        size = source.tell()
        source.seek(position)
        return size

    def open(self):
        source = self.source
        if isinstance(source, bytes):
            return io.BytesIO(source)
        if isinstance(source, (str, Path)):
            try:
                return open(source, "rb")
            except OSError as error:
                raise _cannot_open(error) from None
        source.seek(0)
        return io.BufferedReader(_Unclosed(source))


def source_size(source) -> int:
    """The size of bytes, a path or a file object (an upload), in bytes,
    without reading it."""
    return _Source(source).size()


def open_source(source):
    """Bytes, a path or a file object as a binary file read from its start;
    closing it leaves a caller's file object open."""
    return _Source(source).open()


class _Unclosed(io.RawIOBase):
    """A caller's file object, read through without closing it."""

    def __init__(self, handle):
        self._handle = handle

    def readable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, buffer):
        data = self._handle.read(len(buffer))
        if isinstance(data, str):
            raise FileUnreadable(_("The file must be uploaded as bytes, not text."))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset, whence=io.SEEK_SET):
        return self._handle.seek(offset, whence)

    def tell(self):
        return self._handle.tell()


def _cannot_open(error) -> FileUnreadable:
    return FileUnreadable(_("The file cannot be opened: %(reason)s.") % {"reason": error.strerror or error})


# ------------------------------------------------------------- the bounds
def _bounded(rows: Iterator, limits: Limits) -> Iterator:
    """``rows`` (the header first) as they come, stopped with a plain
    message at the first row past the limit, a row wider than the column
    limit or a cell longer than the character limit."""
    try:
        yield from _checked(rows, limits)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _checked(rows: Iterator, limits: Limits) -> Iterator:
    headers = ()
    for number, row in enumerate(rows, start=1):
        if number > limits.rows + 1:
            raise FileUnreadable(
                _("The file has more than %(limit)s data rows; split it into smaller files.") % {"limit": limits.rows}
            )
        if len(row) > limits.columns:
            raise FileUnreadable(
                _("Row %(row)s has %(count)s columns; an import file may have at most %(limit)s.")
                % {"row": number, "count": len(row), "limit": limits.columns},
                row=number,
            )
        for index, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > limits.cell_chars:
                raise FileUnreadable(
                    _("This cell holds %(count)s characters; a cell may hold at most %(limit)s.")
                    % {"count": len(cell), "limit": limits.cell_chars},
                    row=number,
                    column=_column(headers, index),
                )
        if number == 1:
            headers = row
        yield row


def _column(headers, index: int) -> str:
    """A column as the importer names it: its header, or its letter."""
    header = headers[index] if index < len(headers) else None
    text = "" if header is None else str(header).replace("\ufeff", "").strip()
    return text or column_letter(index)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ------------------------------------------------------------------- CSV
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Tried in this order on a file without a BOM: strict UTF-8 is rarely valid
# by accident, GB18030 is the superset of GBK and GB2312.
_WITHOUT_BOM = ("utf-8", "gb18030")
_DELIMITERS = (",", "\t")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class CsvFormat:
    encoding: str
    delimiter: str


def _not_text() -> FileUnreadable:
    return FileUnreadable(_("The file is not UTF-8 text. Save it from Excel as “CSV UTF-8 (comma delimited)”."))


def _decodes(binary, encoding: str) -> bool:
    """Whether the whole file decodes strictly as ``encoding`` into text
    without a NUL character, read a chunk at a time."""
    binary.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        while chunk := binary.read(_CHUNK):
            if "\x00" in decoder.decode(chunk):
                return False
        return "\x00" not in decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False


def _delimiter(binary, encoding: str) -> str:
    """Comma or tab: whichever splits the header line into more columns."""
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    try:
        line = text.readline()
    finally:
        text.detach()
    widths = [len(next(csv.reader([line], delimiter=d), [])) for d in _DELIMITERS]
    return _DELIMITERS[widths.index(max(widths))]


def csv_format(source) -> CsvFormat:
    """The encoding and delimiter of a CSV file (bytes, a path or a file
    object), or ``FileUnreadable`` when its text is none of those read."""
    source = source if isinstance(source, _Source) else _Source(source)
    with source.open() as binary:
        head = binary.read(4)
        named = [encoding for bom, encoding in _BOMS if head.startswith(bom)]
        for encoding in named[:1] or _WITHOUT_BOM:
            if _decodes(binary, encoding):
                return CsvFormat(encoding, _delimiter(binary, encoding))
    raise _not_text()


def _csv_rows(source: _Source, form: CsvFormat) -> Iterator[list]:
    """Every row of the file, header included, one at a time."""
    with source.open() as binary:
        text = io.TextIOWrapper(binary, encoding=form.encoding, newline="")
        try:
            yield from csv.reader(text, delimiter=form.delimiter)
        except UnicodeDecodeError:
            # The file changed since csv_format read it whole.
            raise _not_text() from None
        except csv.Error as error:
            raise FileUnreadable(_("The file is not a readable CSV file: %(reason)s.") % {"reason": error}) from None
        finally:
            # The caller's file object stays open for the next reading.
            text.detach()


# ------------------------------------------------------------------ XLSX
def _check_zip(source: _Source, limits: Limits) -> None:
    """Refuses a workbook whose parts would inflate past the limit, from the
    sizes the zip declares, before anything is decompressed. Python's zip
    reader never inflates a part past its declared size, so a part that
    lies about its size cannot grow beyond it either."""
    try:
        with source.open() as binary:
            parts = _zip_parts(binary)
            if parts > MAX_XLSX_PARTS:
                raise FileUnreadable(
                    _("The workbook has %(count)s parts; a workbook may have at most %(limit)s.")
                    % {"count": parts, "limit": MAX_XLSX_PARTS}
                )
            with zipfile.ZipFile(binary) as archive:
                total = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error):
        raise FileUnreadable(_("The file is not a readable .xlsx workbook.")) from None
    if total > limits.xlsx_uncompressed_bytes:
        raise FileUnreadable(
            _(
                "The workbook would unpack to %(size)s; at most %(limit)s are accepted. "
                "Save it as a smaller workbook or as CSV."
            )
            % {"size": filesizeformat(total), "limit": filesizeformat(limits.xlsx_uncompressed_bytes)}
        )


def _zip_parts(binary) -> int:
    """How many parts the zip's end record declares (0 when there is none:
    then the zip reader reports the file as unreadable)."""
    size = binary.seek(0, io.SEEK_END)
    tail = min(size, _END_OF_ZIP_SIZE + 0xFFFF)  # the record, then a comment of up to 64 KB
    binary.seek(size - tail)
    data = binary.read(tail)
    at = data.rfind(_END_OF_ZIP)
    if at < 0 or len(data) - at < _END_OF_ZIP_SIZE:
        return 0
    return struct.unpack_from("<H", data, at + 10)[0]


def _xlsx_rows(source: _Source, limits: Limits) -> Iterator[tuple]:
    """Every row of the first worksheet, header included, one at a time, in
    openpyxl's streaming (read-only) mode."""
    # A damaged or foreign file fails in many ways inside openpyxl (zip,
    # XML, missing parts); to the user they all mean the same thing.
    with source.open() as binary:
        try:
            book = openpyxl.load_workbook(binary, read_only=True, data_only=True)
        except Exception:
            raise FileUnreadable(_("The file is not a readable .xlsx workbook.")) from None
        try:
            if not book.worksheets:
                raise FileUnreadable(_("The workbook has no worksheet."))
            sheet = book.worksheets[0]
            _check_dimension(sheet, limits)
            rows = sheet.iter_rows(values_only=True)
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    return
                except FileUnreadable:
                    raise
                except Exception:
                    raise FileUnreadable(_("The file is not a readable .xlsx workbook.")) from None
                yield row
        finally:
            book.close()


def _check_dimension(sheet, limits: Limits) -> None:
    """The size the sheet declares (its ``dimension``), before its rows are
    read: openpyxl pads every row to the declared width."""
    declared_rows, declared_columns = sheet.max_row, sheet.max_column
    if declared_rows is not None and declared_rows - 1 > limits.rows:
        raise FileUnreadable(
            _("The worksheet declares %(count)s rows; an import file may have at most %(limit)s data rows.")
            % {"count": declared_rows, "limit": limits.rows}
        )
    if declared_columns is not None and declared_columns > limits.columns:
        raise FileUnreadable(
            _("The worksheet declares %(count)s columns; an import file may have at most %(limit)s.")
            % {"count": declared_columns, "limit": limits.columns}
        )


# ------------------------------------------------------------- the table
def _table(read: Callable[[], Iterator], limits: Limits, empty_message: str) -> Table:
    """The header, read now, and the data rows, read on demand."""
    header_rows = _bounded(read(), limits)
    try:
        headers = list(next(header_rows))
    except StopIteration:
        raise FileUnreadable(empty_message) from None
    finally:
        header_rows.close()

    def data_rows():
        rows = _bounded(read(), limits)
        try:
            next(rows, None)
            yield from rows
        finally:
            rows.close()

    return Table(headers=headers, rows=Rows(data_rows))


def read_table(source, file_name: str, limits: Limits | None = None) -> Table:
    """The header and rows of ``source``: a ``tablib.Dataset`` (already
    parsed, e.g. by the admin), bytes, a path or a file object."""
    limits = limits or Limits.from_settings()
    if isinstance(source, tablib.Dataset):
        dataset = source
        return _table(
            lambda: itertools.chain([dataset.headers or []], dataset),
            limits,
            _("The file is empty; a header row is expected."),
        )
    extension = extension_of(file_name)
    if extension not in EXTENSIONS:
        raise FileUnreadable(
            _("“%(name)s” is neither a .csv nor an .xlsx file.") % {"name": os.path.basename(str(file_name))}
        )
    source = _Source(source)
    size = source.size()
    if size > limits.file_bytes:
        raise FileUnreadable(
            _("The file is %(size)s; at most %(limit)s are accepted. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limits.file_bytes)}
        )
    if extension == ".csv":
        form = csv_format(source)
        return _table(lambda: _csv_rows(source, form), limits, _("The file is empty; a header row is expected."))
    _check_zip(source, limits)
    return _table(
        lambda: _xlsx_rows(source, limits), limits, _("The first worksheet is empty; a header row is expected.")
    )


def normalise_header(value) -> str:
    """Header text as compared: no BOM, no surrounding (also full-width)
    whitespace, canonical names in any letter case."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return text.replace("\ufeff", "").strip().lower()
