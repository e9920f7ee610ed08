"""Strict cell converters for the import files (shared/spec/data-formats.md).

Each widget turns one spreadsheet cell into a Python value or raises
``ValueError`` with a plain, translatable message; the importer adds the row
and column. They are django-import-export widgets, so the same objects also
render values for the export (codes, not labels; ``YYYY-MM-DD``;
``true``/``false``; empty for null) and an export re-imports unchanged.

Cells arrive as text from a .csv file and as text, numbers, booleans or
dates from an .xlsx workbook; every widget accepts both.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets

from .formats import formula_escape, formula_unescape

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+")
_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "是": True,
    "false": False,
    "0": False,
    "no": False,
    "否": False,
}


def is_empty(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and value.isspace())


class Text(widgets.Widget):
    """Free text; surrounding whitespace is dropped. Numbers typed into an
    .xlsx cell (a staff number 1001) are read as their text ("1001").

    Text that a spreadsheet would run as a formula is exported with a
    leading quote, and one leading quote is removed on import
    (``core.importing.formats``), so the value round-trips."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, (dt.date, dt.datetime)):
            raise ValueError(_("“%(value)s” is a date, not text.") % {"value": value})
        if not isinstance(value, str):
            return str(value)
        return formula_unescape(value.strip()) or None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else formula_escape(str(value))


class Date(widgets.Widget):
    """A date written strictly as YYYY-MM-DD, or a date cell of a workbook."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                raise ValueError(_("“%(value)s” has a time of day; a date is expected.") % {"value": value})
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not _DATE.fullmatch(text):
            raise ValueError(_("“%(value)s” is not a date written as YYYY-MM-DD.") % {"value": text})
        try:
            # The pattern has fixed the shape; what fails now is the calendar.
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("%(value)s is not a real date.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.isoformat()


class Boolean(widgets.Widget):
    """true/false, 1/0, yes/no, 是/否 in any letter case."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        try:
            return _BOOLEANS[str(value).strip().lower()]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not a yes/no value; use true/false, 1/0, yes/no or 是/否.") % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "true" if value else "false"


class Choice(widgets.Widget):
    """One of the code values of a TextChoices (any letter case), or one of the
    Chinese words the specification gives for a code."""

    def __init__(self, choices, aliases=None):
        super().__init__()
        self.codes = [str(code) for code in choices.values]
        self._lookup = {code.lower(): code for code in self.codes}
        for word, code in (aliases or {}).items():
            if code not in self.codes:
                raise ValueError(f"alias {word!r} points to unknown code {code!r}")
            self._lookup[word.lower()] = code

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        try:
            return self._lookup[str(value).strip().lower()]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(self.codes)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Count(widgets.Widget):
    """A whole number that cannot be negative (a count, a year)."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not _INTEGER.fullmatch(text):
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
            number = int(text)
        if number < 0:
            raise ValueError(_("%(value)s is negative; it cannot be below 0.") % {"value": number})
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Amount(widgets.Widget):
    """A decimal number that cannot be negative, written with a dot ("11.5")."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        text = repr(value) if isinstance(value, float) else str(value).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        if number < 0:
            raise ValueError(_("%(value)s is negative; it cannot be below 0.") % {"value": text})
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        # "11.5", "12" and "12.0" all mean the same; write the canonical form
        # the database holds so that an export re-imports unchanged.
        return str(value)


class Reference(widgets.Widget):
    """A record named by its code (a unit code, a staff number).

    ``clean`` only reads the code; the importer resolves it against a map
    loaded once per import and scoped to the user's grants (see
    ``core.importing.engine.References``), never with a query per row.
    ``in_file`` lets a row refer to a record defined further down the same
    file (a unit list whose parents come after their children).
    """

    def __init__(self, model, field, *, in_file=False):
        super().__init__()
        self.model = model
        self.field = field
        self.in_file = in_file

    def clean(self, value, row=None, **kwargs):
        return Text().clean(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return formula_escape(str(getattr(value, self.field)))
