"""The record lists' queries over millions of rows (core/admin_base.py,
core/templatetags/record_lists.py, org/scoping.py): what the list shows is
unchanged; how it is asked is pinned here.

The training records, by hand (alice: HR of 5100, so A and B):

    A 甲一 (5101)  2005-03-01 海关英语 · 2009-11-02 保税监管
    B 乙二 (5102)  2009-01-05 廉政教育
    X 英语 (0200)  2003-06-01 缉私业务        (outside alice's grants)
"""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.admin_base import CappedCountPaginator
from tests.dashboard.factories import TrainingRecordFactory
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/training/trainingrecord/"


@pytest.fixture
def records(tree):
    a = OfficerFactory(unit=tree["5101"], staff_no="A001", name="甲一")
    b = OfficerFactory(unit=tree["5102"], staff_no="B002", name="乙二")
    x = OfficerFactory(unit=tree["0200"], staff_no="X009", name="英语")

    def record(officer, day, course):
        return TrainingRecordFactory(officer=officer, start_date=day, course=course, days=Decimal("2"))

    return {
        "A 2005": record(a, dt.date(2005, 3, 1), "海关英语"),
        "A 2009": record(a, dt.date(2009, 11, 2), "保税监管"),
        "B 2009": record(b, dt.date(2009, 1, 5), "廉政教育"),
        "X 2003": record(x, dt.date(2003, 6, 1), "缉私业务"),
    }


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


def listed(client, user, **params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, params)
    assert response.status_code == 200
    response.queries = [q["sql"] for q in ctx.captured_queries]
    return response


def shown(response, records) -> set[str]:
    names = {record.pk: name for name, record in records.items()}
    return {names[row.pk] for row in response.context["cl"].result_list}


def hierarchy(response) -> list[str]:
    """The date hierarchy's link titles, as the page shows them."""
    page = response.content.decode()
    start = page.index('<nav class="toplinks">')
    nav = page[start : page.index("</nav>", start)]
    return [html.unescape(title).strip() for title in re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', nav)]


# --- scope and count -------------------------------------------------------------


def test_a_scoped_list_counts_without_joining_the_officer_or_sorting(client, records, alice):
    response = listed(client, alice)
    assert shown(response, records) == {"A 2005", "A 2009", "B 2009"}
    [count] = [sql for sql in response.queries if sql.startswith("SELECT COUNT(*) FROM (SELECT")]
    # The scope is "officer_id IN (officers in scope UNION the reader's
    # own)": no join, and any 10,001 rows count the same, so no ORDER BY.
    # PostgreSQL's SQL puts each side of the UNION in parentheses.
    scope = 'FROM "training_trainingrecord" WHERE "training_trainingrecord"."officer_id" IN '
    assert scope + "(SELECT" in count or scope + "((SELECT" in count
    assert " UNION " in count
    assert 'JOIN "personnel_officer" ON ("training_trainingrecord"' not in count
    assert "ORDER BY" not in count


# --- date hierarchy ----------------------------------------------------------------


def test_the_date_hierarchy_offers_every_year_between_the_first_and_last_row(client, records, alice, superuser):
    response = listed(client, alice)
    # A's 2005 and 2009 bound alice's list; 2006-2008 are offered, empty.
    assert hierarchy(response) == ["2005", "2006", "2007", "2008", "2009"]
    assert not any("DATE_TRUNC" in sql.upper() or "django_date_trunc" in sql for sql in response.queries)
    assert hierarchy(listed(client, superuser)) == [str(year) for year in range(2003, 2010)]


def test_a_chosen_year_offers_the_months_between_its_first_and_last_row(client, records, alice):
    response = listed(client, alice, start_date__year=2009)
    assert shown(response, records) == {"A 2009", "B 2009"}
    assert hierarchy(response) == ["‹ 所有日期"] + [f"2009年{month}月" for month in range(1, 12)]
    month = listed(client, alice, start_date__year=2009, start_date__month=11)
    assert hierarchy(month) == ["‹ 2009", "11月2日"]


def test_a_list_past_the_cap_spans_the_kinds_years_without_reading_its_own(client, records, alice, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 1)
    response = listed(client, alice)
    assert response.context["cl"].result_count_capped
    # The training table's first and last year (X's 2003 included).
    assert hierarchy(response) == [str(year) for year in range(2003, 2010)]
    year = listed(client, alice, start_date__year=2009)
    assert hierarchy(year) == ["‹ 所有日期"] + [f"2009年{month}月" for month in range(1, 13)]


def test_a_chosen_year_without_records_still_leads_back(client, records, alice):
    response = listed(client, alice, start_date__year=2007)
    assert shown(response, records) == set()
    assert hierarchy(response) == ["‹ 所有日期"]


# --- search --------------------------------------------------------------------------


def test_a_name_finds_the_officers_records_through_the_officer_table(client, records, alice):
    response = listed(client, alice, q="甲一")
    assert shown(response, records) == {"A 2005", "A 2009"}
    # The officers are looked up once; the record queries take their ids.
    assert not any("training_trainingrecord" in sql and "LIKE" in sql for sql in response.queries)
    assert shown(listed(client, alice, q="乙"), records) == {"B 2009"}


def test_a_word_naming_no_officer_of_the_list_searches_the_course(client, records, alice, superuser):
    # 英语 names X, outside alice's grants: for her it is a course word, as
    # if X did not exist.
    assert shown(listed(client, alice, q="英语"), records) == {"A 2005"}
    # For the superuser it names X: X's records, not the course.
    assert shown(listed(client, superuser, q="英语"), records) == {"X 2003"}
    assert shown(listed(client, superuser, q="英语 缉私"), records) == {"X 2003"}
    assert shown(listed(client, superuser, q="廉政"), records) == {"B 2009"}
    assert shown(listed(client, superuser, q="没有"), records) == set()
