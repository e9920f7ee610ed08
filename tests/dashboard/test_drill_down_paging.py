"""Drill-down pages by keyset (dashboard/paging.py): the links carry the row
a page starts after, every page holds what OFFSET paging held, and a deep
page costs the queries of the first.

The service: 120 officers of 天津海关 (0200), staff numbers P000-P119, all
employed through 2009. In 2009 officer n has 12 days of training when n is
a multiple of 3 (meets the 12 days), 5 days when n % 3 == 1 and none when
n % 3 == 2: 40 meet, 80 are short. Short first, each part by staff number:

    page 1: the short P001, P002, P004, ... the 50th short one (P074)
    page 2: the last 30 short ones (P076 ... P119), then the first 20 who
            meet (P000 ... P057)
    page 3: the other 20 who meet (P060 ... P117)

Each test runs twice: as a long list (the short ones and those who meet
asked apart, as for the whole service) and as a short one (one query
ordered by every key, as for a customs).
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from dashboard import paging
from tests.dashboard.factories import TrainingRecordFactory
from tests.dashboard.test_dashboard import drill_url, login
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

NUMBERS = [f"P{n:03d}" for n in range(120)]
MEET = [no for n, no in enumerate(NUMBERS) if n % 3 == 0]
SHORT = [no for n, no in enumerate(NUMBERS) if n % 3 != 0]
DAYS = {no: ("12 天" if n % 3 == 0 else "5 天" if n % 3 == 1 else "0 天") for n, no in enumerate(NUMBERS)}


@pytest.fixture(params=["segments", "one query"])
def read_as(request, monkeypatch):
    monkeypatch.setattr(paging, "SEGMENTS_FROM", 0 if request.param == "segments" else 10_000)
    return request.param


@pytest.fixture
def tianjin(tree, read_as):
    officers = {no: OfficerFactory(unit=tree["0200"], staff_no=no) for no in NUMBERS}
    for n, no in enumerate(NUMBERS):
        if n % 3 != 2:
            days = Decimal(12 if n % 3 == 0 else 5)
            TrainingRecordFactory(officer=officers[no], days=days, start_date=dt.date(2009, 3, 2))
    return officers


def numbers(response) -> list[str]:
    return [row["cells"][0] for row in response.context["rows"]]


def follow(client, response, link: str, **params):
    """Ask the page the ``link`` ("next_query" / "previous_query") points to."""
    query = {key: values[0] for key, values in parse_qs(response.context[link]).items()}
    return client.get(drill_url(**query))


def test_the_pages_hold_the_short_first_then_those_who_meet(client, tianjin, dora):
    login(client, dora)
    first = client.get(drill_url(unit="0200", year=2009))
    assert numbers(first) == SHORT[:50]
    assert SHORT[49] == "P074"
    assert (first.context["page"].number, first.context["page"].paginator.count) == (1, 120)
    assert not first.context["page"].has_previous()

    second = follow(client, first, "next_query")
    assert numbers(second) == SHORT[50:] + MEET[:20]
    assert [row["meets"] for row in second.context["rows"]] == [False] * 30 + [True] * 20
    assert {row["cells"][0]: row["cells"][4] for row in second.context["rows"]} == {
        no: DAYS[no] for no in SHORT[50:] + MEET[:20]
    }
    assert (MEET[19], SHORT[50]) == ("P057", "P076")
    assert second.context["page"].number == 2

    third = follow(client, second, "next_query")
    assert numbers(third) == MEET[20:]
    assert third.context["page"].number == 3 and not third.context["page"].has_next()
    assert "第 3 页，共 3 页" in third.content.decode()

    # Back from the last page: the second again, then the first by its plain address.
    back = follow(client, third, "previous_query")
    assert numbers(back) == numbers(second) and back.context["page"].number == 2
    assert back.context["previous_query"] == "unit=0200&year=2009"


def test_a_page_by_cursor_holds_what_the_same_page_by_number_holds(client, tianjin, dora):
    login(client, dora)
    by_number = [numbers(client.get(drill_url(unit="0200", year=2009, page=n))) for n in (1, 2, 3)]
    by_cursor = [client.get(drill_url(unit="0200", year=2009))]
    by_cursor.append(follow(client, by_cursor[0], "next_query"))
    by_cursor.append(follow(client, by_cursor[1], "next_query"))
    assert by_number == [numbers(page) for page in by_cursor]


def test_it_sorts_by_the_figure_page_after_page(client, tianjin, dora):
    login(client, dora)
    first = client.get(drill_url(unit="0200", year=2009, sort="-figure"))
    twelve = [no for no in NUMBERS if DAYS[no] == "12 天"]
    five = [no for no in NUMBERS if DAYS[no] == "5 天"]
    none = [no for no in NUMBERS if DAYS[no] == "0 天"]
    assert numbers(first) == twelve + five[:10]
    second = follow(client, first, "next_query")
    assert numbers(second) == five[10:] + none[:20]
    assert numbers(follow(client, second, "next_query")) == none[20:]
    assert numbers(client.get(drill_url(unit="0200", year=2009, sort="-figure", page=2))) == numbers(second)


def test_it_pages_those_short_of_the_target_and_counts_them_up_to_the_cap(client, tianjin, dora, monkeypatch):
    login(client, dora)
    first = client.get(drill_url(unit="0200", year=2009, missing=1))
    assert numbers(first) == SHORT[:50]
    assert (first.context["page"].paginator.count, first.context["page"].paginator.capped) == (80, False)
    assert numbers(follow(client, first, "next_query")) == SHORT[50:]

    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    capped = client.get(drill_url(unit="0200", year=2009, missing=1))
    assert capped.context["page"].paginator.capped
    page = capped.content.decode()
    assert "超过 30 条。" in page and "第 1 页" in page and "共 2 页" not in page
    last = follow(client, capped, "next_query")
    assert numbers(last) == SHORT[50:] and not last.context["page"].has_next()


def test_a_cursor_outside_the_list_starts_at_the_first_page(client, tianjin, tree, dora, alice):
    # A row of 5100, which alice sees, is no cursor into 0200's list; nor is junk.
    elsewhere = OfficerFactory(unit=tree["5100"], staff_no="Z999")
    login(client, dora)
    for cursor in (elsewhere.pk, "abc", -1):
        response = client.get(drill_url(unit="0200", year=2009, page=7, after=cursor))
        assert response.status_code == 200
        assert numbers(response) == numbers(client.get(drill_url(unit="0200", year=2009, page=7)))


# Session, user, roles, unread messages, the unit, two year bounds, the
# count, whether a stale figure marker waits, the stored figure: then the
# rows. Page 1 reads its rows in one query; a deep page first reads its
# cursor row's sort values (one more); read as segments, a page that
# crosses from the short to those who meet reads both (one more again).
FIRST_PAGE_QUERIES = 11


def test_a_deep_page_costs_the_queries_of_the_first(client, tianjin, read_as, dora, django_assert_num_queries):
    login(client, dora)
    first = client.get(drill_url(unit="0200", year=2009))
    second = follow(client, first, "next_query")
    with django_assert_num_queries(FIRST_PAGE_QUERIES):
        client.get(drill_url(unit="0200", year=2009))
    with django_assert_num_queries(FIRST_PAGE_QUERIES + (2 if read_as == "segments" else 1)):
        follow(client, first, "next_query")
    with django_assert_num_queries(FIRST_PAGE_QUERIES + 1):
        follow(client, second, "next_query")
