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


# --- dates and months as people write them (core.dates.parse_date/parse_month)
import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from core.dates import parse_date, parse_month  # noqa: E402

AUG_4 = dt.date(2025, 8, 4)


@pytest.mark.parametrize(
    "value",
    [
        "2025-08-04",
        "2025-8-4",
        "2025/8/4",
        "2025/08/04",
        "2025.8.4",
        "2025年8月4日",
        "2025 年 8 月 4 日",
        "2025年8月4号",
        "20250804",
        "２０２５／８／４",
        "２０２５年８月４日",
        "\u30002025-08-04 ",
        "2025-08-04 00:00:00",
        "2025/8/4 0:00",
        "45873",  # Excel's serial number of 2025-08-04
        45873,
        45873.0,
        20250804,
        dt.date(2025, 8, 4),
        dt.datetime(2025, 8, 4),
    ],
)
def test_every_common_form_of_a_date_is_read(value):
    assert parse_date(value) == AUG_4


@pytest.mark.parametrize(
    "value,message",
    [
        ("2025-02-30", "2025-02-30 is not a real date."),
        ("2025年2月30日", "2025年2月30日 is not a real date."),
        ("20250230", "20250230 is not a real date."),
        ("2025/13/1", "2025/13/1 is not a real date."),
        ("05/01/2025", "“05/01/2025” does not say which number is the year; write the year first, as YYYY-MM-DD."),
        ("4.8.2025", "“4.8.2025” does not say which number is the year; write the year first, as YYYY-MM-DD."),
        ("25/8/4", "“25/8/4” does not say which number is the year; write the year first, as YYYY-MM-DD."),
        ("2025-8/4", "“2025-8/4” is not a date written as YYYY-MM-DD."),
        ("soon", "“soon” is not a date written as YYYY-MM-DD."),
        ("2025", "“2025” is not a date written as YYYY-MM-DD."),
        (2025, "“2025” is not a date written as YYYY-MM-DD."),
        ("2025-08-04 09:30", "“2025-08-04 09:30” has a time of day; a date is expected."),
        (45873.5, "“45873.5” has a time of day; a date is expected."),
        (dt.datetime(2025, 8, 4, 9, 30), "“2025-08-04 09:30:00” has a time of day; a date is expected."),
    ],
)
def test_an_ambiguous_impossible_or_unknown_date_is_refused_in_plain_words(value, message):
    with translation.override("en"), pytest.raises(ValueError) as refused:
        parse_date(value)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "value",
    [
        "2025-08",
        "2025-8",
        "2025/08",
        "2025.08",
        "2025年8月",
        "2025 年 08 月",
        "202508",
        "２０２５－０８",
        "2025-08-01",
        202508,
        dt.date(2025, 8, 1),
        dt.datetime(2025, 8, 1),
        45870,  # Excel's serial number of 2025-08-01
    ],
)
def test_every_common_form_of_a_month_is_read_as_its_first_day(value):
    assert parse_month(value) == dt.date(2025, 8, 1)


@pytest.mark.parametrize(
    "value,message",
    [
        ("2025-13", "“2025-13” is not a month written as YYYY-MM."),
        ("202500", "“202500” is not a month written as YYYY-MM."),
        ("08/2025", "“08/2025” is not a month written as YYYY-MM."),
        ("2025-08-04", "“2025-08-04” is not a month; write it as YYYY-MM."),
        (dt.date(2025, 8, 4), "“2025-08-04” is not a month; write it as YYYY-MM."),
        ("August", "“August” is not a month written as YYYY-MM."),
    ],
)
def test_a_month_that_is_not_one_is_refused_in_plain_words(value, message):
    with translation.override("en"), pytest.raises(ValueError) as refused:
        parse_month(value)
    assert str(refused.value) == message
