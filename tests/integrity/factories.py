"""Factories for the supervision records."""

import datetime as dt

import factory

from integrity.models import (
    Case,
    CaseOfficer,
    Complaint,
    EnforcementStat,
    Inspection,
    IntegrityAppraisal,
    RiskAlert,
    RiskPoint,
    Survey,
)
from tests.factories import OfficerFactory


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_no = factory.Sequence(lambda n: f"AJ{n:05d}")
    opened_date = dt.date(2009, 3, 1)


class CaseOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseOfficer

    case = factory.SubFactory(CaseFactory)
    officer = factory.SubFactory(OfficerFactory)
    category = CaseOfficer.Category.DISCIPLINE
    status = CaseOfficer.Status.OPEN


def case_naming(*officers, category=CaseOfficer.Category.DISCIPLINE, status=CaseOfficer.Status.OPEN, **kwargs):
    """A case naming ``officers``, each with ``category`` and ``status``."""
    case = CaseFactory(**kwargs)
    for officer in officers:
        CaseOfficerFactory(case=case, officer=officer, category=category, status=status)
    return case


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    officer = factory.SubFactory(OfficerFactory)
    received_date = dt.date(2009, 5, 1)
    substantiated = None


class EnforcementStatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnforcementStat

    officer = factory.SubFactory(OfficerFactory)
    month = dt.date(2009, 6, 1)
    declarations = 100
    overrides = 1


class IntegrityAppraisalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegrityAppraisal

    year = 2009
    result = IntegrityAppraisal.Result.PASS


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    date = dt.date(2009, 6, 1)
    passed = True


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    year = 2009
    respondents = 100
    satisfied = 90


class RiskAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAlert

    rule = RiskAlert.Rule.REPEATED_COMPLAINTS
    officer = factory.SubFactory(OfficerFactory)
    score = 30
    score_arithmetic = "repeated_complaints 30 = 30"
    facts = factory.LazyFunction(lambda: ["2 complaints"])
    raised_on = dt.date(2009, 12, 31)
    as_of = dt.date(2009, 12, 31)


class RiskPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskPoint

    post = "查验岗"
    name = factory.Sequence(lambda n: f"查验放行{n}")
    level = RiskPoint.Level.HIGH
    last_reviewed = dt.date(2009, 6, 1)
