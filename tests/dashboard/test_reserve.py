"""reserve_two_leadership_posts and reserve_grassroots, counted by hand (Y = 2009)."""

import datetime as dt

import pytest

from core import indicators as engine
from personnel.models import ReserveCadre
from tests.factories import OfficerFactory, PostingFactory, ReserveCadreFactory

pytestmark = pytest.mark.django_db

D = dt.date


def reserve(unit, added=dt.date(2008, 1, 1), removed=None, level=ReserveCadre.Level.BUREAU, officer=None):
    officer = officer or OfficerFactory(unit=unit)
    ReserveCadreFactory(officer=officer, level=level, added_date=added, removed_date=removed)
    return officer


def posted(officer, start, leadership=False, grassroots=False):
    PostingFactory(officer=officer, start_date=start, leadership=leadership, grassroots=grassroots)


@pytest.fixture
def pool(tree):
    u = tree
    p = {
        "complete": reserve(u["5101"]),
        "second_post_next_year": reserve(u["5101"]),
        "removed_dec_31": reserve(u["5100"], removed=D(2009, 12, 31)),
        "removed_jan_1_next": reserve(u["5100"], removed=D(2010, 1, 1)),
        "added_dec_31": reserve(u["5100"], added=D(2009, 12, 31)),
        "division_level": reserve(u["5200"], level=ReserveCadre.Level.DIVISION),
        "added_next_year": reserve(u["5200"], added=D(2010, 1, 1)),
        "tianjin_twice": reserve(u["0200"], added=D(2006, 1, 1), removed=D(2007, 6, 30)),
    }
    # Back in the pool in 2008: one reserve cadre however many entries.
    reserve(u["0200"], added=D(2008, 1, 1), officer=p["tianjin_twice"])
    reserve(u["0200"], added=D(2009, 1, 1), officer=p["tianjin_twice"])

    posted(p["complete"], D(2001, 3, 1), leadership=True)
    posted(p["complete"], D(2009, 12, 31), leadership=True)  # last day of Y counts
    posted(p["complete"], D(1998, 3, 1), grassroots=True)
    posted(p["second_post_next_year"], D(2001, 3, 1), leadership=True)
    posted(p["second_post_next_year"], D(2010, 1, 1), leadership=True, grassroots=True)  # too late for both
    for officer in (p["removed_dec_31"], p["division_level"], p["added_next_year"]):
        posted(officer, D(2001, 3, 1), leadership=True, grassroots=True)
        posted(officer, D(2003, 3, 1), leadership=True)
    for year in (2002, 2004, 2006):
        posted(p["removed_jan_1_next"], D(year, 3, 1), leadership=True)
    posted(p["removed_jan_1_next"], D(2010, 1, 1), grassroots=True)
    posted(p["added_dec_31"], D(2009, 6, 1), grassroots=True)
    posted(p["tianjin_twice"], D(2003, 3, 1), leadership=True, grassroots=True)
    posted(p["tianjin_twice"], D(2006, 3, 1), leadership=True)
    return p


# In the pool on 2009-12-31, by scope:
#   5101: complete, second_post_next_year
#   5100: + removed_jan_1_next, added_dec_31          (removed_dec_31 is out)
#   9100: the same (Shenzhen's two are a division-level entry and one added in 2010)
#   all:  + tianjin_twice
@pytest.mark.parametrize(
    "code, two_posts, grassroots",
    [
        ("5101", (1, 2), (1, 2)),
        ("5100", (2, 4), (2, 4)),  # two posts: complete, removed_jan_1_next; grassroots: complete, added_dec_31
        ("9100", (2, 4), (2, 4)),
        (None, (3, 5), (3, 5)),
        ("5200", (0, 0), (0, 0)),
    ],
)
def test_it_counts_bureau_level_reserve_cadres_in_the_pool_at_year_end(pool, counted, code, two_posts, grassroots):
    assert counted("reserve_two_leadership_posts", 2009, code) == two_posts
    assert counted("reserve_grassroots", 2009, code) == grassroots


def test_it_reads_postings_and_pool_as_of_the_year_asked(pool, counted):
    # 2010-12-31: removed_jan_1_next has left the pool; added_next_year (Shenzhen)
    # has joined, and the 2010 postings now count.
    assert counted("reserve_two_leadership_posts", 2010) == (4, 5)  # added_dec_31 has no leadership post
    assert counted("reserve_grassroots", 2010) == (5, 5)


def test_it_judges_grassroots_against_ninety_five_percent(pool):
    figure = next(f for f in engine.compute(year=2009) if f.key == "reserve_grassroots")
    assert (figure.value, figure.target, figure.met) == (0.6, 0.95, False)


def test_it_lists_reserve_cadres_with_their_postings_counted(pool, tree):
    p = pool
    two_posts = engine.get("reserve_two_leadership_posts").members(year=2009, root=tree["5100"])
    assert {o.pk: (o.figure, o.meets) for o in two_posts} == {
        p["complete"].pk: (2, True),
        p["second_post_next_year"].pk: (1, False),
        p["removed_jan_1_next"].pk: (3, True),
        p["added_dec_31"].pk: (0, False),
    }
    grassroots = engine.get("reserve_grassroots").members(year=2009, root=tree["0000"])
    assert {o.pk: (o.figure, o.meets) for o in grassroots} == {
        p["complete"].pk: (1, True),
        p["second_post_next_year"].pk: (0, False),
        p["removed_jan_1_next"].pk: (0, False),
        p["added_dec_31"].pk: (1, True),
        p["tianjin_twice"].pk: (1, True),
    }
