"""Each early-warning rule: the alerts that must fire and the near misses
that must not (shared/spec/indicators.md, as-of D = 2009-12-15)."""

import datetime as dt
import random
import statistics
from fractions import Fraction

import pytest
from django.utils import translation

from integrity import risk
from personnel.models import Officer, Posting
from tests.factories import OfficerFactory, PostingFactory

from .factories import CaseOfficerFactory, ComplaintFactory, EnforcementStatFactory, case_naming

pytestmark = pytest.mark.django_db
D = dt.date(2009, 12, 15)
HIGH = Posting.PostRisk.HIGH


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- rotation_overdue ---------------------------------------------------------


def test_it_flags_a_high_risk_posting_of_exactly_five_years(tree):
    due = OfficerFactory(unit=tree["5101"])
    PostingFactory(officer=due, unit=tree["5101"], position="查验岗", post_risk=HIGH, start_date=dt.date(2004, 12, 15))
    long_ago = OfficerFactory(unit=tree["5100"])
    PostingFactory(
        officer=long_ago, unit=tree["5100"], position="关税岗", post_risk=HIGH, start_date=dt.date(2003, 2, 1)
    )
    assert risk.rotation_overdue(D) == {
        due.pk: ["posting at 黄埔海关 (查验岗), high-risk, since 2004-12-15: 5.0 years"],
        long_ago.pk: ["posting at 广州海关 (关税岗), high-risk, since 2003-02-01: 6.9 years"],
    }


def test_it_does_not_flag_near_misses_of_rotation(tree):
    # Reaches five years the day after D.
    PostingFactory(officer=OfficerFactory(unit=tree["5101"]), post_risk=HIGH, start_date=dt.date(2004, 12, 16))
    # Long, but the posting has ended.
    PostingFactory(
        officer=OfficerFactory(unit=tree["5101"]),
        post_risk=HIGH,
        start_date=dt.date(2001, 1, 1),
        end_date=dt.date(2009, 1, 1),
    )
    # Long, but not a high-risk post.
    PostingFactory(
        officer=OfficerFactory(unit=tree["5101"]), post_risk=Posting.PostRisk.MEDIUM, start_date=dt.date(2001, 1, 1)
    )
    # Long and high-risk, but the officer left on D (not on the roll at D).
    PostingFactory(
        officer=OfficerFactory(unit=tree["5101"], leave_date=D), post_risk=HIGH, start_date=dt.date(2001, 1, 1)
    )
    # Starts after D.
    PostingFactory(officer=OfficerFactory(unit=tree["5101"]), post_risk=HIGH, start_date=dt.date(2009, 12, 16))
    assert risk.rotation_overdue(D) == {}


def test_it_counts_five_years_from_29_february_to_28_february(tree):
    on_day = OfficerFactory(unit=tree["5101"])
    PostingFactory(officer=on_day, post_risk=HIGH, start_date=dt.date(2007, 2, 28))
    PostingFactory(officer=OfficerFactory(unit=tree["5101"]), post_risk=HIGH, start_date=dt.date(2007, 3, 1))
    assert list(risk.rotation_overdue(dt.date(2012, 2, 29))) == [on_day.pk]


# --- repeated_complaints ------------------------------------------------------


def test_it_flags_two_complaints_within_the_365_days_up_to_d(tree):
    officer = OfficerFactory(unit=tree["5201"])
    ComplaintFactory(officer=officer, received_date=dt.date(2008, 12, 16), substantiated=True)  # D - 364
    ComplaintFactory(officer=officer, received_date=D, substantiated=None)
    assert risk.repeated_complaints(D) == {
        officer.pk: [
            "2 complaints received from 2008-12-16 to 2009-12-15 (complaints found unsubstantiated not counted)",
            "complaint received 2008-12-16, substantiated",
            "complaint received 2009-12-15, not yet known",
        ]
    }


def test_it_does_not_count_an_unsubstantiated_complaint_or_one_out_of_the_window(tree):
    officer = OfficerFactory(unit=tree["5201"])
    ComplaintFactory(officer=officer, received_date=dt.date(2009, 3, 1), substantiated=None)
    ComplaintFactory(officer=officer, received_date=dt.date(2009, 6, 1), substantiated=False)
    ComplaintFactory(officer=officer, received_date=dt.date(2008, 12, 15))  # D - 365
    ComplaintFactory(officer=officer, received_date=dt.date(2009, 12, 16))  # after D
    assert risk.repeated_complaints(D) == {}


def test_it_ignores_complaints_about_officers_no_longer_on_the_roll(tree):
    gone = OfficerFactory(unit=tree["5201"], leave_date=dt.date(2009, 11, 30))
    ComplaintFactory(officer=gone, received_date=dt.date(2009, 3, 1))
    ComplaintFactory(officer=gone, received_date=dt.date(2009, 6, 1))
    assert risk.repeated_complaints(D) == {}


# --- enforcement_outlier -------------------------------------------------------


def _stats(officer, overrides, declarations=200, month=dt.date(2009, 6, 1)):
    EnforcementStatFactory(officer=officer, month=month, declarations=declarations, overrides=overrides)


def test_it_flags_an_override_ratio_far_above_the_customs_median(tree):
    # Ratios in 广州海关 (5100 and the units below it): 1%, 2%, 2%, 3%, 20%.
    # Median 2%; deviations 1, 0, 0, 1, 18 points: MAD 1%.
    # z of 20% = 0.18 / (1.4826 x 0.01) = 12.14; z of 3% = 0.67.
    officers = [OfficerFactory(unit=tree[code]) for code in ("5100", "5101", "5102", "5100", "5101")]
    for officer, overrides in zip(officers, (2, 4, 4, 6, 40), strict=True):
        _stats(officer, overrides)
    # Two months of the window add up (100 + 100 declarations).
    EnforcementStatFactory(officer=officers[4], month=dt.date(2009, 11, 1), declarations=0, overrides=0)
    # Not counted: fewer than 100 declarations; a month outside the window.
    _stats(OfficerFactory(unit=tree["5100"]), overrides=90, declarations=99)
    _stats(officers[0], overrides=190, month=dt.date(2009, 12, 1))
    _stats(officers[1], overrides=190, month=dt.date(2009, 5, 1))
    assert risk.enforcement_outlier(D) == {
        officers[4].pk: [
            "override ratio 20.0% (40 overrides in 200 declarations, 2009-06 to 2009-11)",
            "median ratio of the 5 officers of 广州海关 with at least 100 declarations: 2.0%, MAD 1.0%",
            "robust z-score 12.1, above 3.5",
        ]
    }


@pytest.mark.django_db(False)
def test_its_median_is_the_exact_median():
    # Ratios that differ by less than a float can tell apart, ties, odd and even counts.
    near = Fraction(1, 3)
    values = [near, near + Fraction(1, 10**30), near - Fraction(1, 10**30), Fraction(0), Fraction(7, 9), near]
    rng = random.Random(5)
    for n in range(1, len(values) + 1):
        for _ in range(20):
            sample = rng.sample(values, n)
            assert risk.exact_median(sample) == statistics.median(sample)
    assert risk.exact_median([near + Fraction(1, 10**30), near]) == near + Fraction(1, 2 * 10**30)


def test_it_raises_nothing_from_a_group_whose_mad_is_0(tree):
    # 深圳海关: 1%, 1%, 1%, 50%: median 1%, deviations 0, 0, 0, 49: MAD 0.
    for overrides in (2, 2, 2):
        _stats(OfficerFactory(unit=tree["5201"]), overrides)
    _stats(OfficerFactory(unit=tree["5200"]), 100)
    assert risk.enforcement_outlier(D) == {}


def test_it_compares_officers_only_within_their_own_customs(tree):
    # Alone, each customs has no spread to speak of; pooled, 20% would stand out.
    for code, overrides in (("5100", 2), ("5101", 2), ("5200", 40), ("5201", 40), ("0200", 4)):
        _stats(OfficerFactory(unit=tree[code]), overrides)
    assert risk.enforcement_outlier(D) == {}


# --- unit_case_rate -------------------------------------------------------------


def _fill(unit, n, **kwargs):
    Officer.objects.bulk_create(
        [
            Officer(
                staff_no=f"F{unit.code}{i:04d}",
                name=f"关员{i}",
                gender="M",
                birth_date=dt.date(1980, 1, 1),
                unit=unit,
                rank_level="clerk",
                hire_date=dt.date(2005, 1, 1),
                **kwargs,
            )
            for i in range(n)
        ]
    )


def test_it_does_not_flag_a_unit_at_exactly_0_4_percent_and_flags_it_above(tree):
    # 广州海关's subtree: 150 + 100 officers on the roll at D; 5 more who left.
    _fill(tree["5100"], 150)
    _fill(tree["5102"], 100)
    _fill(tree["5101"], 5, leave_date=dt.date(2009, 6, 30))
    gz = Officer.objects.filter(unit__code__in=["5100", "5102"], leave_date__isnull=True).order_by("pk")
    case_naming(gz[0], opened_date=dt.date(2008, 12, 16))  # D - 364: 1 / 250 = 0.4%
    assert risk.unit_case_rate(D) == {}

    # The same officer in a second case still counts once; a second officer
    # makes it 2 / 250 = 0.8%.
    case_naming(gz[0], gz[1], opened_date=D)
    assert risk.unit_case_rate(D) == {
        tree["5100"].pk: [
            "2 officers of 广州海关 and the units below it named in cases opened from 2008-12-16 to 2009-12-15",
            "250 officers on the roll on 2009-12-15",
            "case rate 0.80% (2 / 250), above 0.40%",
        ]
    }


def test_it_ignores_cases_opened_before_the_window(tree):
    _fill(tree["5200"], 10)
    named = Officer.objects.filter(unit=tree["5200"]).first()
    case_naming(named, opened_date=dt.date(2008, 12, 15))  # D - 365
    CaseOfficerFactory(officer=named, case__opened_date=dt.date(2009, 12, 16))  # after D
    assert risk.unit_case_rate(D) == {}
