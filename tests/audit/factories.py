"""Factories for audit records (tests/audit only)."""

import datetime as dt

import factory

from accounts.services import grant_create
from audit.models import Audit, Finding, InternalControl
from tests.factories import UserFactory


def user_with_grant(username, role=None, unit=None):
    """A user with one grant (or none: an officer's account)."""
    user = UserFactory(username=username)
    if role:
        grant_create(user=user, role=role, unit=unit)
    return user


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    audit_no = factory.Sequence(lambda n: f"A{n:05d}")
    kind = Audit.Kind.ECONOMIC_RESPONSIBILITY
    period_start = dt.date(2005, 1, 1)
    period_end = dt.date(2007, 12, 31)
    completed_date = dt.date(2008, 6, 30)
    finding_count = 0


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    audit = factory.SubFactory(AuditFactory)
    description = factory.Sequence(lambda n: f"问题{n}")
    deadline = dt.date(2009, 6, 30)
    status = Finding.Status.OPEN


class InternalControlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternalControl

    established_date = dt.date(2008, 1, 1)
