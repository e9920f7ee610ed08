"""Personas and a small world of records for the access matrix.

Every record carries the code of the unit it belongs to in a field that an
admin list, a search or an export shows, so a test can name what it expects
by unit code: officer ``S5100`` works at 5100, posting ``P5100`` and course
``C5100`` belong to that officer, political work ``W5100`` was held by 5100.

Scopes on the tree of tests/conftest.py (worked out by hand):

    grant on 5100 -> 5100, 5101, 5102
    grant on 9100 -> 9100, 5100, 5101, 5102, 5200, 5201  (supervises 5100, 5200)
    grant on 0000 -> every unit
"""

import datetime as dt

import pytest

from accounts.services import grant_create
from org.roles import Role
from tests.factories import LeaderAppraisalFactory, OfficerFactory, PostingFactory, ReserveCadreFactory, UserFactory
from training.models import PoliticalWork, TrainingRecord

PEOPLE_UNITS = ("5100", "5101", "5102", "5200", "5201", "0200")
ALL_UNITS = ("0000", "9100", "9200", "5100", "5101", "5102", "5200", "5201", "0200")

# The officer-self persona is the officer of 5201.
SELF_UNIT = "5201"


@pytest.fixture
def world(tree):
    return world_create(tree)


def world_create(tree):
    """One officer per unit that holds people, each with one record of every
    career kind, and one political-work activity per unit."""
    officers, postings, reserves, appraisals, courses, works = {}, {}, {}, {}, {}, {}
    for index, code in enumerate(PEOPLE_UNITS, start=1):
        officer = OfficerFactory(staff_no=f"S{code}", name=f"{tree[code].name}关员", unit=tree[code])
        officers[code] = officer
        postings[code] = PostingFactory(officer=officer, position=f"P{code}")
        # Distinct dates so an export without staff numbers still tells rows apart.
        reserves[code] = ReserveCadreFactory(officer=officer, added_date=dt.date(2008, 1, index))
        appraisals[code] = LeaderAppraisalFactory(officer=officer, comment=f"A{code}")
        courses[code] = TrainingRecord.objects.create(
            officer=officer,
            course=f"C{code}",
            start_date=dt.date(2009, 3, 2),
            end_date=dt.date(2009, 3, 6),
            days=5,
            mode=TrainingRecord.Mode.FULL_TIME,
        )
    for code in ALL_UNITS:
        works[code] = PoliticalWork.objects.create(
            unit=tree[code], date=dt.date(2009, 7, 1), title=f"W{code}", participants=10
        )
    return {
        "unit": tree,
        "officer": officers,
        "posting": postings,
        "reservecadre": reserves,
        "leaderappraisal": appraisals,
        "trainingrecord": courses,
        "politicalwork": works,
    }


def persona(username, *grants, **user_fields):
    user = UserFactory(username=username, **user_fields)
    for role, unit in grants:
        grant_create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def personas(world, tree):
    return personas_create(world, tree)


def personas_create(world, tree):
    """Every persona of the matrix, keyed by a readable name."""
    me = UserFactory(username="olga")
    officer = world["officer"][SELF_UNIT]
    officer.user = me
    officer.save()
    return {
        "hr@5100": persona("alice", (Role.HR, tree["5100"])),
        "hr@9100": persona("hana", (Role.HR, tree["9100"])),
        "supervision@5100": persona("sam", (Role.SUPERVISION, tree["5100"])),
        "supervision@9100": persona("bob", (Role.SUPERVISION, tree["9100"])),
        "audit@5100": persona("aude", (Role.AUDIT, tree["5100"])),
        "audit@9100": persona("otto", (Role.AUDIT, tree["9100"])),
        "leadership@5100": persona("lena", (Role.LEADERSHIP, tree["5100"])),
        "leadership@9100": persona("leo", (Role.LEADERSHIP, tree["9100"])),
        "leadership@0000": persona("dora", (Role.LEADERSHIP, tree["0000"])),
        "officer-self": me,
        "no grant": persona("nemo"),
        "superuser": persona("root", is_superuser=True),
    }
