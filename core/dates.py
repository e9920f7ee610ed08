"""The years the records accept, and the one parser of a year typed in a URL."""

from __future__ import annotations

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
