"""The one parser of a year typed in a URL (core/dates.py)."""

from django.utils import translation

from core.dates import YEAR_MAX, YEAR_MIN, year_from_query


def test_a_missing_year_is_the_default_without_a_problem():
    assert year_from_query(None, 2009) == (2009, None)
    assert year_from_query("", 2009) == (2009, None)


def test_a_year_within_the_bounds_is_taken():
    assert (YEAR_MIN, YEAR_MAX) == (1949, 2100)
    assert year_from_query("1949", 2009) == (1949, None)
    assert year_from_query("2100", 2009) == (2100, None)


def test_a_bad_year_is_the_default_with_a_message_naming_what_was_typed():
    with translation.override("en"):
        _bad_years()


def _bad_years():
    assert year_from_query("soon", 2009) == (2009, "“soon” is not a year between 1949 and 2100; showing 2009.")
    assert year_from_query("2101", 2009) == (2009, "“2101” is not a year between 1949 and 2100; showing 2009.")
    assert year_from_query("1948", None) == (None, "“1948” is not a year between 1949 and 2100.")
