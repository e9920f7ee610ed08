"""Strict cell converters for the import files (shared/spec/data-formats.md).

Each widget turns one spreadsheet cell into a Python value or raises
``ValueError`` with a plain, translatable message; the importer adds the row
and column. They are django-import-export widgets, so the same objects also
render values for the export (codes, not labels; ``YYYY-MM-DD``;
``true``/``false``; empty for null) and an export re-imports unchanged.

Cells arrive as text from a .csv file and as text, numbers, booleans or
dates from an .xlsx workbook; every widget accepts both. Every text cell is
read through ``core.text.clean_text`` first: full-width digits and letters
are folded to ASCII and surrounding spaces (the ideographic space U+3000
included) dropped, so ``Ｔ０００１`` is the officer ``T0001``. Dates and months
are read by the one parser of ``core.dates``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from core.dates import parse_date, parse_month
from core.text import clean_text

from .formats import formula_escape, formula_unescape

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
        return formula_unescape(clean_text(value)) or None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else formula_escape(str(value))


class Date(widgets.Widget):
    """A date in any form ``core.dates.parse_date`` reads; exported YYYY-MM-DD."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.isoformat()


class Month(widgets.Widget):
    """A month in any form ``core.dates.parse_month`` reads, stored as its
    first day; exported YYYY-MM."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        return parse_month(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:%Y-%m}"


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
            return _BOOLEANS[clean_text(str(value)).lower()]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not a yes/no value; use true/false, 1/0, yes/no or 是/否.") % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "true" if value else "false"


class Choice(widgets.Widget):
    """One value of a TextChoices, written as its code (any letter case), as
    its label in any language of the interface (the words the forms show,
    e.g. 在职培训), or as one of the ``aliases`` (the glossary's and the
    specification's other words for a code, e.g. 在职)."""

    def __init__(self, choices, aliases=None):
        super().__init__()
        self.choices = choices
        self.codes = [str(code) for code in choices.values]
        self.aliases = dict(aliases or {})
        for word, code in self.aliases.items():
            if code not in self.codes:
                raise ValueError(f"alias {word!r} points to unknown code {code!r}")
        self._lookup = None

    def lookup(self) -> dict[str, str]:
        """Every accepted word (folded, lower case) -> its code. Built on
        first use: labels are translated, so the catalogues must be loaded."""
        if self._lookup is None:
            labels = {}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for code, label in zip(self.codes, self.choices.labels, strict=True):
                        labels.setdefault(clean_text(str(label)).lower(), set()).add(code)
            # A label two codes share (none today) names neither of them.
            lookup = {word: codes.pop() for word, codes in labels.items() if len(codes) == 1}
            lookup.update({clean_text(word).lower(): code for word, code in self.aliases.items()})
            lookup.update({code.lower(): code for code in self.codes})
            self._lookup = lookup
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        try:
            return self.lookup()[clean_text(str(value)).lower()]
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
            text = clean_text(str(value))
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
        text = repr(value) if isinstance(value, float) else clean_text(str(value))
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
