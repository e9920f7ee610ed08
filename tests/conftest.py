"""Personas and a small service used across the suite.

The tree (codes as in the demo service):

    0000 海关总署 (hq)
    ├── 9100 广东分署 (supervisory office)  — supervises 5100 and 5200
    ├── 9200 天津特派办 (supervisory office) — supervises 0200
    ├── 5100 广州海关 (direct) ── 5101 黄埔海关 (subordinate) ── 5102 黄埔海关查验科 (department)
    ├── 5200 深圳海关 (direct) ── 5201 皇岗海关 (subordinate)
    └── 0200 天津海关 (direct)

alice: HR at 5100 (sees 5100, 5101, 5102). bob: supervision at 9100
(sees 9100 and everything of 5100 and 5200). charlie: HR at 0200 (sees
nothing of Guangdong). dora: leadership at hq (everything, read-only).
"""
import pytest

from personnel.models import Unit
from personnel.roles import Role
from personnel.services import grant_create, unit_scope_rebuild
from tests.factories import OfficerFactory, UnitFactory, UserFactory


@pytest.fixture
def tree(db):
    K = Unit.Kind
    hq = UnitFactory(code="0000", name="海关总署", kind=K.HQ, parent=None)
    gd = UnitFactory(code="9100", name="广东分署", kind=K.SUPERVISORY_OFFICE, parent=hq)
    tj_office = UnitFactory(code="9200", name="天津特派办", kind=K.SUPERVISORY_OFFICE, parent=hq)
    gz = UnitFactory(code="5100", name="广州海关", kind=K.DIRECT, parent=hq, supervisory_office=gd)
    hp = UnitFactory(code="5101", name="黄埔海关", kind=K.SUBORDINATE, parent=gz)
    hp_dept = UnitFactory(code="5102", name="黄埔海关查验科", kind=K.DEPARTMENT, parent=hp)
    sz = UnitFactory(code="5200", name="深圳海关", kind=K.DIRECT, parent=hq, supervisory_office=gd)
    hg = UnitFactory(code="5201", name="皇岗海关", kind=K.SUBORDINATE, parent=sz)
    tj = UnitFactory(code="0200", name="天津海关", kind=K.DIRECT, parent=hq, supervisory_office=tj_office)
    unit_scope_rebuild()
    return {u.code: u for u in (hq, gd, tj_office, gz, hp, hp_dept, sz, hg, tj)}


def _user_with_grant(username, role, unit):
    user = UserFactory(username=username)
    grant_create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def alice(tree):
    return _user_with_grant("alice", Role.HR, tree["5100"])


@pytest.fixture
def bob(tree):
    return _user_with_grant("bob", Role.SUPERVISION, tree["9100"])


@pytest.fixture
def charlie(tree):
    return _user_with_grant("charlie", Role.HR, tree["0200"])


@pytest.fixture
def dora(tree):
    return _user_with_grant("dora", Role.LEADERSHIP, tree["0000"])


@pytest.fixture
def officers(tree):
    """One officer in each unit that holds people, keyed by unit code."""
    return {code: OfficerFactory(unit=tree[code], name=f"{tree[code].name}关员") for code in ("5100", "5101", "5102", "5200", "5201", "0200")}
