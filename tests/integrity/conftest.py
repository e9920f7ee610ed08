"""Integrity personas on top of the shared tree (tests/conftest.py).

erin: supervision at hq (reads the access log). frank: supervision at 5200
only, and himself an officer of 5200. bob (shared): supervision at 9100,
covering 5100 and 5200.
"""

import pytest

from accounts.services import grant_create
from org.roles import Role
from tests.factories import OfficerFactory, UserFactory


@pytest.fixture
def erin(tree):
    user = UserFactory(username="erin")
    grant_create(user=user, role=Role.SUPERVISION, unit=tree["0000"])
    return user


@pytest.fixture
def frank(tree):
    user = UserFactory(username="frank")
    grant_create(user=user, role=Role.SUPERVISION, unit=tree["5200"])
    OfficerFactory(unit=tree["5200"], user=user, name="弗兰克")
    return user
