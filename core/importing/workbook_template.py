"""The blank .xlsx import template of a record kind (docs/importing.md, "Templates").

Offered on every kind's import page and by ``export_records KIND --template
FILE``. Its first sheet has the Chinese header of every column
(``headers.column_label``, which the importer reads back), a drop-down list
on every choice and yes/no column, date columns formatted as dates, and one
example row; its second sheet explains each column: required or not, the
key, what it holds and the values allowed. The template is always in
Chinese, the language of the files people keep.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .exporting import FIXED_TIME, save_workbook
from .headers import LANGUAGE, choice_labels, column_label
from .registry import get_resource_class
from .widgets import Amount, Boolean, Choice, Count, Date, Month, Reference, Text

#: the context of the template's short words in the translations
CONTEXT = "import template"
EXAMPLE_DATE = dt.date(2025, 1, 6)
DATE_FORMAT = "yyyy-mm-dd"
LAST_ROW = 1_048_576
# Excel's sheet names: at most 31 characters, none of []:*?/\
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_EXAMPLE_FONT = Font(italic=True, color="808080")


def _sheet_name(text: str) -> str:
    return text.translate(_SHEET_NAME_FORBIDDEN)[:31]


def _is_month(widget) -> bool:
    return isinstance(widget, Month)


def _describe(resource, column) -> tuple[str, str, object]:
    """(what the column holds, the values allowed, an example cell)."""
    widget = column.widget
    label = column_label(resource, column)
    if isinstance(widget, Choice):
        labels = list(choice_labels(widget).values())
        codes = ", ".join(widget.codes)
        return (
            pgettext(CONTEXT, "one of the list"),
            _("%(labels)s (or the codes %(codes)s)")
            % {
                "labels": "、".join(labels),
                "codes": codes,
            },
            labels[0],
        )
    if isinstance(widget, Boolean):
        return pgettext(CONTEXT, "yes or no"), "是、否", "是"
    if _is_month(widget):
        return pgettext(CONTEXT, "a month"), _("YYYY-MM, e.g. 2025-01"), widget.render(EXAMPLE_DATE.replace(day=1))
    if isinstance(widget, Date):
        return pgettext(CONTEXT, "a date"), _("a date cell, or YYYY-MM-DD, e.g. 2025-01-06"), EXAMPLE_DATE
    if isinstance(widget, Count):
        if column.column_name == "year":
            return pgettext(CONTEXT, "a year"), _("a year, e.g. 2025"), EXAMPLE_DATE.year
        return pgettext(CONTEXT, "a whole number"), pgettext(CONTEXT, "0 or more"), 10
    if isinstance(widget, Amount):
        return pgettext(CONTEXT, "a number"), _("0 or more, decimals with a dot, e.g. 1.5"), 1
    if isinstance(widget, Reference):
        with translation.override(LANGUAGE):
            kind = str(widget.model._meta.verbose_name)
            field = str(widget.model._meta.get_field(widget.field).verbose_name)
        parent = getattr(resource, "parent", None)
        if parent is not None and parent.key == column.column_name:
            # A parent the rows themselves create (a case and its officers).
            allowed = _("the %(field)s; rows with a new one create the %(kind)s") % {"field": field, "kind": kind}
        else:
            allowed = _("the %(field)s of a %(kind)s already recorded and within your grants") % {
                "field": field,
                "kind": kind,
            }
        return pgettext(CONTEXT, "a reference"), allowed, pgettext(CONTEXT, "example %(label)s") % {"label": label}
    if isinstance(widget, Text):
        return (
            pgettext(CONTEXT, "text"),
            pgettext(CONTEXT, "free text"),
            pgettext(CONTEXT, "example %(label)s") % {"label": label},
        )
    return "", "", None


def import_template(kind: str) -> Workbook:
    """The template workbook of ``kind``."""
    resource = get_resource_class(kind)()
    model = resource._meta.model
    keys = set(resource.key_columns())
    with translation.override(LANGUAGE):
        book = Workbook()
        data = book.active
        data.title = _sheet_name(str(model._meta.verbose_name))
        guide = book.create_sheet(_sheet_name(pgettext(CONTEXT, "column guide")))
        lists = book.create_sheet(_sheet_name(pgettext(CONTEXT, "lists")))
        lists.sheet_state = "hidden"
        guide.append(
            [
                pgettext(CONTEXT, "column"),
                pgettext(CONTEXT, "required?"),
                pgettext(CONTEXT, "holds"),
                pgettext(CONTEXT, "allowed values"),
            ]
        )
        headers, example = [], []
        for index, column in enumerate(resource.columns(), start=1):
            letter = get_column_letter(index)
            label = column_label(resource, column)
            required = resource.is_required(column)
            holds, allowed, sample = _describe(resource, column)
            if column.column_name in keys:
                allowed += _("; part of the key: a row with the same key updates that record")
            headers.append(label)
            example.append(sample)
            guide.append(
                [label, pgettext(CONTEXT, "required") if required else pgettext(CONTEXT, "optional"), holds, allowed]
            )
            choices = None
            if isinstance(column.widget, Choice):
                choices = list(choice_labels(column.widget).values())
            elif isinstance(column.widget, Boolean):
                choices = ["是", "否"]
            if choices is not None:
                lists.cell(row=1, column=index, value=label)
                for row, value in enumerate(choices, start=2):
                    lists.cell(row=row, column=index, value=value)
                source = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(choices) + 1}"
                validation = DataValidation(type="list", formula1=source, allow_blank=not required)
                validation.error = _("Choose a value from the list.")
                validation.showErrorMessage = True
                data.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{LAST_ROW}")
            if isinstance(column.widget, Date) and not _is_month(column.widget):
                data.column_dimensions[letter].number_format = DATE_FORMAT
            data.column_dimensions[letter].width = max(12, 2 * len(label) + 4)
        data.append(headers)
        data.append(example)
        for index, column in enumerate(resource.columns(), start=1):
            head = data.cell(row=1, column=index)
            head.font = _HEADER_FONT
            if resource.is_required(column):
                head.fill = _REQUIRED_FILL
            cell = data.cell(row=2, column=index)
            cell.font = _EXAMPLE_FONT
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
        data.freeze_panes = "A2"
        guide.append([])
        guide.append([_("Row 2 of the first sheet is an example: replace it with your own rows or delete it.")])
        guide.append([_("Required columns have a yellow header; dates may be typed as dates or as 2025-01-06.")])
        for letter, width in zip("ABCD", (18, 10, 14, 60), strict=True):
            guide.column_dimensions[letter].width = width
        for cell in guide[1]:
            cell.font = _HEADER_FONT
    book.properties.creator = ""
    book.properties.created = FIXED_TIME
    return book


def write_import_template(kind: str, out) -> None:
    """Writes the template of ``kind`` to ``out`` (a path or a binary file)."""
    save_workbook(import_template(kind), out)
