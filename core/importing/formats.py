"""Formula escaping for the exports, undone exactly by the importer
(docs/importing.md, "Formula escaping").

A spreadsheet reads a cell starting with ``=``, ``+``, ``-`` or ``@`` (and
in some programs a tab or carriage return) as a formula, so an exported
value like ``=HYPERLINK(...)`` or ``@SUM(1+1)`` would run when the file is
opened. As OWASP recommends, such a text cell is written with a single
quote in front. A value that itself starts with a quote gets one more, so
that the importer can remove exactly one leading quote from every text cell
and get back the value that was exported: ``'+cmd`` -> ``+cmd`` and
``''quoted`` -> ``'quoted``.

The text widgets (``widgets.Text``, ``widgets.Reference``) escape on export
and unescape on import; numbers, dates, codes and yes/no cells never start
with these characters. ``neutralised`` is the backstop for exports whose
resource has other widgets: it escapes a string cell that would still run
as a formula (leaving already escaped cells alone).
"""

from __future__ import annotations

from import_export.formats.base_formats import CSV, XLSX

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def formula_escape(text: str) -> str:
    """``text`` as a cell that no spreadsheet runs and the importer reads back."""
    return QUOTE + text if text.startswith(FORMULA_STARTS + (QUOTE,)) else text


def formula_unescape(text: str) -> str:
    """The value of a text cell: without the one leading quote an escaped
    (or hand-typed "this is text") cell starts with."""
    return text[1:] if text.startswith(QUOTE) else text


def neutralised(cell):
    """A cell of an export whose resource has other widgets than the text
    ones (e.g. the admin's default export of alerts): a string that would
    run as a formula gets the quote, an escaped one is left alone."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return QUOTE + cell
    return cell


#: The export formats of every admin and of ``export_records`` (data-formats.md),
#: the workbook first: it is what the admin's export form offers by default.
#: Their files are written by ``core.importing.exporting``, as the rows are read.
EXPORT_FORMATS = [XLSX, CSV]
