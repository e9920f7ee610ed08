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
with these characters. The formats below are a backstop for exports whose
resource has other widgets: they escape a string cell that would still run
as a formula (leaving already escaped cells alone).
"""

from __future__ import annotations

import tablib
from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def formula_escape(text: str) -> str:
    """``text`` as a cell that no spreadsheet runs and the importer reads back."""
    return QUOTE + text if text.startswith(FORMULA_STARTS + (QUOTE,)) else text


def formula_unescape(text: str) -> str:
    """The value of a text cell: without the one leading quote an escaped
    (or hand-typed "this is text") cell starts with."""
    return text[1:] if text.startswith(QUOTE) else text


def _neutralised(cell):
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return QUOTE + cell
    return cell


class _FormulaSafe:
    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            safe.append([_neutralised(cell) for cell in row])
        return super().export_data(safe, **kwargs)


class CSV(_FormulaSafe, base_formats.CSV):
    pass


class XLSX(_FormulaSafe, base_formats.XLSX):
    pass


#: The export formats of every admin and of ``export_records`` (data-formats.md).
EXPORT_FORMATS = [CSV, XLSX]
