"""training_days_12 and leader_fulltime_training_5y, counted by hand.

Year 2009 throughout: Y-start 2009-01-01, Y-end 2009-12-31; the five-year
window of full-time training is 2005-01-01 .. 2009-12-31.
"""

import datetime as dt
from decimal import Decimal

import pytest

from core import indicators as engine
from personnel.models import Officer
from tests.dashboard.factories import TrainingRecordFactory
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

D = dt.date
FULL_TIME = "full_time"


def trained(officer, days, start=dt.date(2009, 3, 2), mode="in_service"):
    return TrainingRecordFactory(officer=officer, days=Decimal(str(days)), start_date=start, mode=mode)


@pytest.fixture
def training_service(tree):
    """Officers named by what they test; all hired 2000-07-01 unless said."""
    u = tree
    people = {
        "twelve": OfficerFactory(unit=u["5101"]),
        "eleven_and_a_half": OfficerFactory(unit=u["5101"]),
        "new_year_course": OfficerFactory(unit=u["5101"]),
        "hired_jan_1": OfficerFactory(unit=u["5101"], hire_date=D(2009, 1, 1)),
        "hired_jan_2": OfficerFactory(unit=u["5101"], hire_date=D(2009, 1, 2)),
        "left_dec_31": OfficerFactory(unit=u["5102"], leave_date=D(2009, 12, 31)),
        "left_dec_30": OfficerFactory(unit=u["5102"], leave_date=D(2009, 12, 30)),
        "untrained": OfficerFactory(unit=u["5100"]),
        "shenzhen": OfficerFactory(unit=u["5200"]),
        "tianjin_twelve": OfficerFactory(unit=u["0200"]),
        "tianjin_three": OfficerFactory(unit=u["0200"]),
    }
    p = people
    trained(p["twelve"], 7, D(2009, 1, 1))
    trained(p["twelve"], 5, D(2009, 12, 31))
    trained(p["eleven_and_a_half"], 6)
    trained(p["eleven_and_a_half"], 5.5, D(2009, 9, 1))
    # 12 days from 2008-12-28 to 2009-01-08: the start date puts all of it in 2008.
    trained(p["new_year_course"], 12, D(2008, 12, 28))
    trained(p["hired_jan_1"], 12)
    trained(p["hired_jan_2"], 12)
    trained(p["left_dec_31"], 12)
    trained(p["left_dec_30"], 12)
    trained(p["shenzhen"], 20)
    trained(p["tianjin_twelve"], 12)
    trained(p["tianjin_three"], 3)
    return people


@pytest.mark.parametrize(
    "code, expected",
    [
        # 5101 with its department 5102: twelve, eleven_and_a_half,
        # new_year_course, hired_jan_1, left_dec_31 -> twelve, hired_jan_1, left_dec_31.
        ("5101", (3, 5)),
        ("5100", (3, 6)),  # + untrained
        ("9100", (4, 7)),  # + shenzhen (20 days)
        (None, (5, 9)),  # + tianjin_twelve, tianjin_three
        ("0200", (1, 2)),
    ],
)
def test_it_counts_officers_with_twelve_days_in_the_year(training_service, counted, code, expected):
    assert counted("training_days_12", 2009, code) == expected


def test_it_counts_a_course_spanning_new_year_in_the_year_it_started(training_service, counted):
    # 2008: every officer but the two hired in 2009 was employed all year;
    # only the New Year course started in 2008.
    assert counted("training_days_12", 2008) == (1, 9)


def test_it_reports_value_and_met_of_the_fraction(training_service):
    figure = next(f for f in engine.compute(year=2009) if f.key == "training_days_12")
    assert figure.as_dict() == {
        "key": "training_days_12",
        "numerator": 5,
        "denominator": 9,
        "value": 0.555556,
        "target": 1.0,
        "comparison": ">=",
        "met": False,
    }


def test_it_lists_the_denominator_with_each_officers_days(training_service, tree):
    p = training_service
    rows = {o.pk: (o.figure, o.meets) for o in engine.get("training_days_12").members(year=2009, root=tree["5101"])}
    assert rows == {
        p["twelve"].pk: (Decimal("12"), True),
        p["eleven_and_a_half"].pk: (Decimal("11.5"), False),
        p["new_year_course"].pk: (Decimal("0"), False),
        p["hired_jan_1"].pk: (Decimal("12"), True),
        p["left_dec_31"].pk: (Decimal("12"), True),
    }


def test_it_gives_no_value_when_nobody_is_in_the_denominator(tree):
    figure = next(f for f in engine.compute(year=2009, unit=tree["5201"]) if f.key == "training_days_12")
    assert (figure.numerator, figure.denominator, figure.value, figure.met) == (0, 0, None, None)
    assert figure.as_dict()["value"] is None


# --- leader_fulltime_training_5y ---------------------------------------------


def leader(unit, rank=Officer.RankLevel.DIVISION, **kwargs):
    return OfficerFactory(unit=unit, rank_level=rank, is_leader=True, **kwargs)


@pytest.fixture
def leaders(tree):
    u = tree
    people = {
        "window_first_day": leader(u["5101"]),
        "day_before_window": leader(u["5101"], Officer.RankLevel.BUREAU),
        "window_last_day": leader(u["5100"]),
        "short_and_in_service": leader(u["5100"]),
        "section_level": leader(u["5100"], Officer.RankLevel.SECTION),
        "not_a_leader": OfficerFactory(unit=u["5100"], rank_level=Officer.RankLevel.DIVISION),
        "left_dec_31": leader(u["5100"], leave_date=D(2009, 12, 31)),
        "hired_dec_31": leader(u["5100"], hire_date=D(2009, 12, 31)),
        "tianjin": leader(u["0200"], Officer.RankLevel.BUREAU),
    }
    p = people
    trained(p["window_first_day"], 90, D(2005, 1, 1), FULL_TIME)
    trained(p["day_before_window"], 90, D(2004, 12, 31), FULL_TIME)
    trained(p["window_last_day"], 60, D(2007, 3, 1), FULL_TIME)
    trained(p["window_last_day"], 30, D(2009, 12, 31), FULL_TIME)
    trained(p["short_and_in_service"], 89.5, D(2008, 3, 1), FULL_TIME)
    trained(p["short_and_in_service"], 30, D(2009, 3, 1), "in_service")
    trained(p["section_level"], 90, D(2008, 3, 1), FULL_TIME)
    trained(p["not_a_leader"], 90, D(2008, 3, 1), FULL_TIME)
    trained(p["left_dec_31"], 90, D(2008, 3, 1), FULL_TIME)
    trained(p["tianjin"], 100, D(2006, 3, 1), FULL_TIME)
    return people


@pytest.mark.parametrize(
    "code, expected",
    [
        ("5101", (1, 2)),  # window_first_day meets; day_before_window does not
        # + window_last_day (meets), short_and_in_service, hired_dec_31 (on the roll, untrained)
        ("5100", (2, 5)),
        ("9100", (2, 5)),  # nothing in Shenzhen
        (None, (3, 6)),  # + tianjin
        ("5200", (0, 0)),
    ],
)
def test_it_counts_leaders_with_ninety_full_time_days_in_five_years(leaders, counted, code, expected):
    assert counted("leader_fulltime_training_5y", 2009, code) == expected


def test_it_moves_the_five_year_window_with_the_year(leaders, counted):
    # 2008: window 2004-01-01 .. 2008-12-31. day_before_window now meets,
    # window_last_day has only 60 days, short_and_in_service 89.5, tianjin 100;
    # hired_dec_31 was not on the roll; left_dec_31 still was.
    assert counted("leader_fulltime_training_5y", 2008) == (4, 6)


def test_it_lists_leaders_with_their_full_time_days(leaders, tree):
    p = leaders
    rows = {
        o.pk: (o.figure, o.meets)
        for o in engine.get("leader_fulltime_training_5y").members(year=2009, root=tree["5100"])
    }
    assert rows == {
        p["window_first_day"].pk: (Decimal("90"), True),
        p["day_before_window"].pk: (Decimal("0"), False),
        p["window_last_day"].pk: (Decimal("90"), True),
        p["short_and_in_service"].pk: (Decimal("89.5"), False),
        p["hired_dec_31"].pk: (Decimal("0"), False),
    }
