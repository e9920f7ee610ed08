"""leadership_team_age, counted by hand (Y = 2009: aged 45..55 on 2009-12-31
means born 1954-01-01 .. 1964-12-31)."""

import datetime as dt

import pytest

from core import indicators as engine
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

D = dt.date


def leader(unit, born, **kwargs):
    kwargs.setdefault("hire_date", D(1985, 7, 1))
    return OfficerFactory(unit=unit, is_leader=True, birth_date=born, **kwargs)


@pytest.fixture
def teams(tree, college):
    u = tree
    # Guangzhou: exactly half of four in the band -> not "more than half".
    leader(u["5100"], D(1964, 12, 31))  # turns 45 on 2009-12-31: in
    leader(u["5100"], D(1954, 1, 1))  # 55 on 2009-12-31, 56 the next day: in
    leader(u["5100"], D(1965, 1, 1))  # turns 45 on 2010-01-01: out
    leader(u["5100"], D(1953, 12, 31))  # turns 56 on 2009-12-31: out
    # Not members of Guangzhou's team although aged 50:
    leader(u["5101"], D(1959, 6, 1))  # leads the subordinate customs, not 5100 itself
    OfficerFactory(unit=u["5100"], birth_date=D(1959, 6, 1))  # not a leader
    leader(u["5100"], D(1959, 6, 1), leave_date=D(2009, 12, 31))  # off the roll at Y-end
    leader(u["5100"], D(1959, 6, 1), hire_date=D(2010, 1, 1))  # not yet on the roll
    # Shenzhen: two of three in the band.
    leader(u["5200"], D(1960, 2, 29))
    leader(u["5200"], D(1958, 7, 1))
    leader(u["5200"], D(1970, 7, 1))
    # Tianjin has officers but no leadership team: not in the denominator.
    OfficerFactory(unit=u["0200"], birth_date=D(1959, 6, 1))
    # The college: one leader aged 50.
    leader(college, D(1959, 6, 1))
    return u


@pytest.mark.parametrize(
    "code, expected",
    [
        ("5100", (0, 1)),
        ("9100", (1, 2)),  # Guangzhou fails, Shenzhen meets
        ("9200", (0, 0)),  # Tianjin's team has no member
        (None, (2, 3)),  # + the college; Tianjin excluded
        ("5101", (0, 0)),  # a subordinate customs holds no team of its own
    ],
)
def test_it_counts_teams_mostly_aged_45_to_55(teams, counted, code, expected):
    assert counted("leadership_team_age", 2009, code) == expected


def test_it_passes_a_team_once_more_than_half_is_in_the_band(teams, counted, tree):
    leader(tree["5100"], D(1960, 1, 1))  # three of five
    assert counted("leadership_team_age", 2009, "5100") == (1, 1)


@pytest.mark.parametrize(
    "born, meets",
    [
        (D(1964, 12, 31), True),  # turns 45 on 31 Dec 2009
        (D(1965, 1, 1), False),  # turns 45 on 1 Jan 2010
        (D(1954, 1, 1), True),  # aged 55 on 31 Dec 2009
        (D(1953, 12, 31), False),  # turns 56 on 31 Dec 2009
    ],
)
def test_it_reads_age_as_whole_years_completed_on_31_december(tree, counted, born, meets):
    leader(tree["0200"], born)
    assert counted("leadership_team_age", 2009, "0200") == (int(meets), 1)


def test_it_lists_the_teams_with_their_shares(teams, tree, college):
    rows = {
        unit.code: (unit.team_size, unit.aged_in_band, unit.figure, unit.meets)
        for unit in engine.get("leadership_team_age").members(year=2009, root=tree["0000"])
    }
    assert rows == {
        "5100": (4, 2, 0.5, False),
        "5200": (3, 2, pytest.approx(2 / 3), True),
        "9900": (1, 1, 1.0, True),
    }
