"""The one parser of dates, months and years, for imports and views alike.

``parse_date`` and ``parse_month`` read every common way a date or month is
written in a Chinese office, and refuse what is ambiguous or impossible with
a plain message (the importer adds the row and column, a view says what it
shows instead):

* dates: ``2025-08-04``, ``2025-8-4``, ``2025/8/4``, ``2025.8.4``,
  ``2025年8月4日`` (or ``…4号``), ``20250804``, a date cell of a workbook, an
  Excel serial number (``45873``: the day count Excel stores for a date in a
  cell formatted as a number), full-width digits; a time of day is accepted
  only when it is midnight (``2025-08-04 00:00:00``, as tools write a date
  cell to CSV);
* months: ``2025-08``, ``2025-8``, ``2025/08``, ``2025.08``, ``2025年8月``,
  ``202508``, or a date on the 1st (a workbook cell showing a month);
* refused: a day or month first (``05/01/2025`` is 5 January in one country
  and 1 May in another), a two-digit year, a date that is not on the
  calendar (``2025-02-30``), anything else.

``year_from_query`` is the one parser of a year typed in a URL.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

# A year field (appraisals, ledgers, the dashboard's year) accepts these years;
# the models' validators and check constraints use the same bounds.
YEAR_MIN, YEAR_MAX = 1949, 2100

# Excel's serial day numbers, five digits: 1927-05-18 to 2173-10-14. A
# smaller number in a date column is a slip (a year, a day), never a date
# of these records.
_SERIAL_FIRST, _SERIAL_LAST = 10_000, 99_999
_TIME = re.compile(r"(?P<day>.+?)(?:[ T]+(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?", re.ASCII)
_MIDNIGHT = re.compile(r"0{1,2}:00(?::00(?:\.0+)?)?", re.ASCII)
_DAY_FORMS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
    re.compile(r"(\d{4})()(\d{2})(\d{2})", re.ASCII),
)
_MONTH_FORMS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月?"),
    re.compile(r"(\d{4})(\d{2})", re.ASCII),
)
_SERIAL = re.compile(r"\d{5}", re.ASCII)
# A day or month first, or a two-digit year: 05/01/2025, 25/8/4, 8/2025.
_AMBIGUOUS = re.compile(r"\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{1,4})?|\d{1,2}[-/.]\d{4}", re.ASCII)


def _text(value) -> str:
    # NFKC folds full-width digits and separators (２０２５／８／４) and the
    # ideographic space.
    return unicodedata.normalize("NFKC", str(value)).strip()


def _number(value) -> int | float | None:
    """A cell's number (bool is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _from_serial(serial, shown) -> dt.date:
    if not _SERIAL_FIRST <= serial <= _SERIAL_LAST:
        raise ValueError(_("“%(value)s” is not a date written as YYYY-MM-DD.") % {"value": shown})
    moment = from_excel(serial)
    if moment.time() != dt.time(0):
        raise ValueError(_("“%(value)s” has a time of day; a date is expected.") % {"value": shown})
    return moment.date()


def _calendar(year, month, day, shown) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_("%(value)s is not a real date.") % {"value": shown}) from None


def parse_date(value) -> dt.date:
    """The date ``value`` writes (text, a workbook's date or number cell), or
    ``ValueError`` with a plain message. Empty values are the caller's."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueError(_("“%(value)s” has a time of day; a date is expected.") % {"value": value})
        return value.date()
    if isinstance(value, dt.date):
        return value
    number = _number(value)
    if number is not None:
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, int) and 10_000_000 <= number <= 99_999_999:
            return parse_date(str(number))
        return _from_serial(number, value)
    text = _text(value)
    parts = _TIME.fullmatch(text)
    if parts is None:
        raise ValueError(_("“%(value)s” is not a date written as YYYY-MM-DD.") % {"value": text})
    day, time = parts.group("day").strip(), parts.group("time")
    if time is not None and not _MIDNIGHT.fullmatch(time):
        raise ValueError(_("“%(value)s” has a time of day; a date is expected.") % {"value": text})
    for form in _DAY_FORMS:
        match = form.fullmatch(day)
        if match:
            year, _separator, month, day_of_month = match.groups()
            return _calendar(year, month, day_of_month, text)
    if _SERIAL.fullmatch(day):
        return _from_serial(int(day), text)
    if _AMBIGUOUS.fullmatch(day):
        raise ValueError(
            _("“%(value)s” does not say which number is the year; write the year first, as YYYY-MM-DD.")
            % {"value": text}
        )
    raise ValueError(_("“%(value)s” is not a date written as YYYY-MM-DD.") % {"value": text})


def parse_month(value) -> dt.date:
    """The first day of the month ``value`` writes, or ``ValueError`` with a
    plain message. A date is a month only when it is the 1st."""
    number = _number(value)
    if number is not None and float(number).is_integer() and 100_000 <= number <= 999_999:
        # 202508 typed into a number cell.
        value, number = str(int(number)), None
    if isinstance(value, (dt.date, dt.datetime)) or number is not None:
        day = parse_date(value)
        if day.day != 1:
            raise ValueError(_("“%(value)s” is not a month; write it as YYYY-MM.") % {"value": value})
        return day
    text = _text(value)
    for form in _MONTH_FORMS:
        match = form.fullmatch(text)
        if match:
            year, month = match.groups()
            if not 1 <= int(month) <= 12:
                raise ValueError(_("“%(value)s” is not a month written as YYYY-MM.") % {"value": text})
            return dt.date(int(year), int(month), 1)
    try:
        day = parse_date(text)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a month written as YYYY-MM.") % {"value": text}) from None
    if day.day != 1:
        raise ValueError(_("“%(value)s” is not a month; write it as YYYY-MM.") % {"value": text})
    return day


def year_from_query(value: str | None, default: int | None) -> tuple[int | None, str | None]:
    """(year, problem) for a year typed in a query string.

    A missing year is ``default`` without a problem. A year that is not a
    number or lies outside YEAR_MIN..YEAR_MAX is ``default`` with a plain
    message naming what was typed; a page shows the default with the
    message, a download or the API answers 400 with it.
    """
    if value in (None, ""):
        return default, None
    try:
        year = int(value)
    except ValueError:
        year = None
    if year is not None and YEAR_MIN <= year <= YEAR_MAX:
        return year, None
    bounds = {"value": value, "first": YEAR_MIN, "last": YEAR_MAX, "year": default}
    if default is None:
        return None, _("“%(value)s” is not a year between %(first)s and %(last)s.") % bounds
    return default, _("“%(value)s” is not a year between %(first)s and %(last)s; showing %(year)s.") % bounds


# --- The default year of every yearly page ---------------------------------
#
# The dashboard, the composite table, the audit plan and the reports open on
# the same year. The years with records are read from the sources the record
# apps register (``register_year_source`` in their ``AppConfig.ready()``),
# so this ground module reads no domain model.


@dataclass(frozen=True)
class Years:
    default: int
    choices: list[int]  # newest first
    # The first year with records (None: no source has any yet). A yearly
    # figure of an earlier year has no data, not 0%.
    since: int | None = None


# Each source answers (first year, last year) of its records, or Nones.
_YEAR_SOURCES: dict[str, Callable[[], tuple[int | None, int | None]]] = {}


def register_year_source(name: str, source: Callable[[], tuple[int | None, int | None]]) -> None:
    _YEAR_SOURCES[name] = source


def year_choices(today: dt.date | None = None) -> Years:
    """The years that have records, and the default: the latest complete
    year (last year), or the last year with records if they stop earlier."""
    today = today or dt.date.today()
    spans = [source() for source in _YEAR_SOURCES.values()]
    firsts = [first for first, _last in spans if first]
    lasts = [last for _first, last in spans if last]
    last_complete = today.year - 1
    last = min(max(lasts), today.year) if lasts else last_complete
    default = min(last_complete, last)
    first = min(min(firsts), default) if firsts else default
    since = min(firsts) if firsts else None
    return Years(default=default, choices=list(range(max(last, default), first - 1, -1)), since=since)


def default_year(today: dt.date | None = None) -> int:
    return year_choices(today).default
