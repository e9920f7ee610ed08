"""The three audit-side indicators, counted by hand at their boundaries.

The tree (tests/conftest.py) holds five customs that count: 5100 and 0200,
5200 (direct), 5101 and 5201 (subordinate). 5102 is a department, the
offices and hq are not customs.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Audit
from core import indicators as engine
from integrity.models import Inspection
from org.models import Unit
from tests.audit.factories import AuditFactory, InternalControlFactory
from tests.dashboard.factories import REGISTERED_ORDER, SPEC_ORDER, TrainingRecordFactory
from tests.factories import LeaderAppraisalFactory, OfficerFactory
from training.models import PoliticalWork

pytestmark = pytest.mark.django_db


def counts_by_code(key, year, tree, codes):
    roots = Unit.objects.filter(code__in=codes)
    result = engine.get(key).counts(year=year, roots=roots)
    return {tree_code: result.get(tree[tree_code].pk, (0, 0)) for tree_code in codes}


# --- audit_coverage ---------------------------------------------------------


@pytest.fixture
def audits(tree):
    K = Audit.Kind
    # 5100: completed on the first day of the window 2005-2009.
    AuditFactory(unit=tree["5100"], kind=K.ECONOMIC_RESPONSIBILITY, completed_date=dt.date(2005, 1, 1))
    # 5101: completed the day before that window opens.
    AuditFactory(unit=tree["5101"], kind=K.MANAGEMENT, completed_date=dt.date(2004, 12, 31))
    # 5200: a special audit never counts.
    AuditFactory(unit=tree["5200"], kind=K.SPECIAL, completed_date=dt.date(2008, 5, 1))
    # 5201: a management audit still under way does not count yet.
    AuditFactory(unit=tree["5201"], kind=K.MANAGEMENT, completed_date=None)
    # 5102, a department below 5101: an audit there is not an audit *on* 5101.
    AuditFactory(unit=tree["5102"], kind=K.ECONOMIC_RESPONSIBILITY, completed_date=dt.date(2008, 3, 1))
    # 0200: the last day of 2009, and one the day after that does not matter.
    AuditFactory(unit=tree["0200"], kind=K.MANAGEMENT, completed_date=dt.date(2009, 12, 31))
    AuditFactory(unit=tree["0200"], kind=K.MANAGEMENT, completed_date=dt.date(2010, 1, 1))


def test_it_counts_audit_coverage_at_the_window_boundaries(tree, audits):
    assert counts_by_code("audit_coverage", 2009, tree, ["0000", "9100", "5100", "5200", "0200"]) == {
        "0000": (2, 5),  # 5100 and 0200 of 5100, 5101, 5200, 5201, 0200
        "9100": (1, 4),  # 5100 of 5100, 5101, 5200, 5201
        "5100": (1, 2),  # 5100 of 5100, 5101
        "5200": (0, 2),  # the special audit and the one under way do not count
        "0200": (1, 1),
    }


def test_it_moves_the_audit_window_with_the_year(tree, audits):
    # 2004: window 2000-2004 holds only 5101's audit of 2004-12-31.
    assert counts_by_code("audit_coverage", 2004, tree, ["0000"]) == {"0000": (1, 5)}
    # 2013: window 2009-2013 holds 0200's two audits only.
    assert counts_by_code("audit_coverage", 2013, tree, ["0000"]) == {"0000": (1, 5)}


def test_it_lists_the_customs_behind_audit_coverage(tree, audits):
    members = engine.get("audit_coverage").members(year=2009, root=tree["5100"]).order_by("code")
    assert [(u.code, u.figure, u.meets, u.last_audit) for u in members] == [
        ("5100", 1, True, dt.date(2005, 1, 1)),
        ("5101", 0, False, None),
    ]


# --- internal_control_rate --------------------------------------------------


@pytest.fixture
def controls(tree):
    InternalControlFactory(unit=tree["5100"], established_date=dt.date(2009, 12, 31))
    InternalControlFactory(unit=tree["5200"], established_date=dt.date(2010, 1, 1))
    InternalControlFactory(unit=tree["0200"], established_date=dt.date(2001, 5, 1))
    # A department's mechanism is not in the denominator nor the numerator.
    InternalControlFactory(unit=tree["5102"], established_date=dt.date(2001, 5, 1))


def test_it_counts_internal_controls_established_by_year_end(tree, controls):
    assert counts_by_code("internal_control_rate", 2009, tree, ["0000", "9100", "5200"]) == {
        "0000": (2, 5),  # 5100 (31 Dec 2009) and 0200; 5200 only on 1 Jan 2010
        "9100": (1, 4),
        "5200": (0, 2),
    }
    assert counts_by_code("internal_control_rate", 2010, tree, ["0000"]) == {"0000": (3, 5)}
    figure = engine.get("internal_control_rate").figure(2, 5)
    assert (figure.value, figure.met) == (0.4, False)


def test_it_lists_the_customs_behind_the_internal_control_rate(tree, controls):
    members = engine.get("internal_control_rate").members(year=2009, root=tree["9100"]).order_by("code")
    assert [(u.code, u.figure, u.meets, u.established_date) for u in members] == [
        ("5100", 1, True, dt.date(2009, 12, 31)),
        ("5101", 0, False, None),
        ("5200", 0, False, dt.date(2010, 1, 1)),
        ("5201", 0, False, None),
    ]


# --- information_coverage ---------------------------------------------------


@pytest.fixture
def coverage(tree):
    gz_officer = OfficerFactory(unit=tree["5100"], is_leader=True)
    dept_officer = OfficerFactory(unit=tree["5102"])  # in the subtree of 5101 and of 5100
    sz_officer = OfficerFactory(unit=tree["5200"], is_leader=True)
    tj_officer = OfficerFactory(unit=tree["0200"], is_leader=True)

    # 5100: three of four areas — political work, training (of an officer
    # two levels down), a leader appraisal; no inspection of 5100 itself.
    PoliticalWork.objects.create(unit=tree["5100"], date=dt.date(2009, 7, 1), title="党课", participants=30)
    LeaderAppraisalFactory(officer=gz_officer, year=2009)
    # 5101: training on 1 January (in 2009) and an inspection; its political
    # work is dated 31 December 2008 and its appraisal is of 2008.
    TrainingRecordFactory(officer=dept_officer, start_date=dt.date(2009, 1, 1))
    Inspection.objects.create(unit=tree["5101"], date=dt.date(2009, 4, 1), passed=False)
    PoliticalWork.objects.create(unit=tree["5101"], date=dt.date(2008, 12, 31), title="年终总结", participants=12)
    LeaderAppraisalFactory(officer=dept_officer, year=2008)
    # 5200: a course that starts on 30 December 2008 belongs to 2008.
    TrainingRecordFactory(officer=sz_officer, start_date=dt.date(2008, 12, 30), days=5)
    # 0200: all four areas.
    PoliticalWork.objects.create(unit=tree["0200"], date=dt.date(2009, 1, 1), title="主题教育", participants=50)
    TrainingRecordFactory(officer=tj_officer, start_date=dt.date(2009, 12, 31), days=1)
    LeaderAppraisalFactory(officer=tj_officer, year=2009)
    Inspection.objects.create(unit=tree["0200"], date=dt.date(2009, 12, 31), passed=True)


def test_it_counts_information_coverage_by_unit_and_area(tree, coverage):
    assert counts_by_code("information_coverage", 2009, tree, ["0000", "5100", "5101", "5200", "0200"]) == {
        # 5100: 3, 5101: 2 (training, inspection), 5200: 0, 5201: 0, 0200: 4
        "0000": (9, 20),
        "5100": (5, 8),
        "5101": (2, 4),
        "5200": (0, 8),
        "0200": (4, 4),
    }


def test_it_lists_each_customs_with_its_covered_areas(tree, coverage):
    members = engine.get("information_coverage").members(year=2009, root=tree["0000"]).order_by("code")
    assert [(u.code, u.figure, u.meets) for u in members] == [
        ("0200", 4, True),
        ("5100", 3, False),
        ("5101", 2, False),
        ("5200", 0, False),
        ("5201", 0, False),
    ]
    gz = members.get(code="5100")
    assert (gz.covers_political_work, gz.covers_training, gz.covers_leader_appraisal, gz.covers_supervision) == (
        True,
        True,
        True,
        False,
    )


def test_it_counts_every_scope_in_one_query(tree, coverage, audits, controls):
    roots = Unit.objects.all()
    for key in ("information_coverage", "audit_coverage", "internal_control_rate"):
        with CaptureQueriesContext(connection) as queries:
            engine.get(key).counts(year=2009, roots=roots)
        assert len(queries) == 1, key


def test_it_prints_the_three_indicators_in_the_command(tree, coverage, audits, controls):
    out = StringIO()
    call_command("indicators", "--year", "2009", "--unit", "5100", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    keys = [row["key"] for row in payload["indicators"]]
    assert keys[: len(SPEC_ORDER)] == SPEC_ORDER  # indicators added since follow the twelve
    rows = {row["key"]: row for row in payload["indicators"]}
    assert {
        k: (rows[k]["numerator"], rows[k]["denominator"], rows[k]["value"], rows[k]["met"])
        for k in ("information_coverage", "audit_coverage", "internal_control_rate")
    } == {
        "information_coverage": (5, 8, 0.625, False),
        "audit_coverage": (1, 2, 0.5, False),
        "internal_control_rate": (1, 2, 0.5, False),
    }


def test_it_prints_the_twelve_keys_in_the_order_of_the_specification_then_the_added_ones(tree):
    out = StringIO()
    call_command("indicators", "--year", "2009", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    # The twelve first, in the spec's order; indicators added since follow them.
    assert [row["key"] for row in payload["indicators"]] == REGISTERED_ORDER
    assert payload["unit"] is None
