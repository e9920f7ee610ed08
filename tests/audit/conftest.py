"""Audit personas on the shared tree (tests/conftest.py).

erin: audit at 5100 (sees 5100, 5101, 5102). gina: audit at 9100, the
Guangdong supervisory office (5100 and 5200 with their subtrees). hank:
audit at 0200 (Tianjin only).
"""

import pytest

from accounts.services import grant_create
from org.roles import Role
from tests.factories import UserFactory


def _auditor(username, unit):
    user = UserFactory(username=username)
    grant_create(user=user, role=Role.AUDIT, unit=unit)
    return user


@pytest.fixture
def erin(tree):
    return _auditor("erin", tree["5100"])


@pytest.fixture
def gina(tree):
    return _auditor("gina", tree["9100"])


@pytest.fixture
def hank(tree):
    return _auditor("hank", tree["0200"])
