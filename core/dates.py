"""The years the records accept, and the one parser of a year typed in a URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A year field (appraisals, ledgers, the dashboard's year) accepts these years;
# the models' validators and check constraints use the same bounds.
YEAR_MIN, YEAR_MAX = 1949, 2100


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
