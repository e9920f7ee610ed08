"""Factories for the indicator tests' own records."""

import datetime as dt
from decimal import Decimal

import factory

from tests.factories import OfficerFactory
from training.models import TrainingRecord


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A course of ``days`` days starting on ``start_date``; the end date is
    the last of those days, so the record is always valid."""

    class Meta:
        model = TrainingRecord

    officer = factory.SubFactory(OfficerFactory)
    course = factory.Sequence(lambda n: f"课程{n}")
    start_date = dt.date(2009, 3, 2)
    days = Decimal("5")
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=int(-(-Decimal(o.days) // 1)) - 1))
    mode = TrainingRecord.Mode.IN_SERVICE


# The order of the twelve keys in shared/spec/indicators.md, which every list
# of indicators (the command's JSON above all) keeps.
SPEC_ORDER = [
    "training_days_12",
    "leader_fulltime_training_5y",
    "reserve_two_leadership_posts",
    "reserve_grassroots",
    "leadership_team_age",
    "integrity_appraisal_pass_rate",
    "case_involvement_rate",
    "satisfaction_rate",
    "inspection_pass_rate",
    "information_coverage",
    "audit_coverage",
    "internal_control_rate",
]
# The whole registry's order: the twelve of the specification, then the
# project's own indicators (position 13 on).
REGISTERED_ORDER = SPEC_ORDER + ["risk_point_review_rate", "rectification_completion_rate"]
