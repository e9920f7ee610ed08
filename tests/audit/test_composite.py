"""The composite assessment, computed by hand from the formula
(docs/composite.md). Only the audit-side indicators have data here: no
officers, surveys, appraisals or inspections exist, so every other
indicator has denominator 0 and is left out of the mean.
"""

import datetime as dt
import io
from fractions import Fraction

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import composite
from audit.models import Audit
from core import indicators as engine
from org.models import Unit
from org.services import unit_scope_rebuild
from tests.audit.factories import AuditFactory, InternalControlFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2009


@pytest.fixture
def assessed(tree):
    """Per customs (its subtree's customs in brackets):

    5100 [5100, 5101]: audit 1/2 → 1/2; control 2/2 → 1; information 0/8 → 0
        composite = 100 × (1/2 + 1 + 0) / 3 = 50
    5200 [5200, 5201]: audit 2/2 → 1; control 1/2 → (1/2)/0.9 = 5/9; information 0/8 → 0
        composite = 100 × (1 + 5/9 + 0) / 3 = 1400/27 ≈ 51.85
    0200 [0200]:       audit 1/1 → 1; control 0/1 → 0; information 0/4 → 0
        composite = 100 × 1/3 ≈ 33.33
    """
    er = Audit.Kind.ECONOMIC_RESPONSIBILITY
    for code in ("5100", "5200", "5201", "0200"):
        AuditFactory(unit=tree[code], kind=er, completed_date=dt.date(2008, 6, 30))
    for code in ("5100", "5101", "5200"):
        InternalControlFactory(unit=tree[code], established_date=dt.date(2007, 1, 1))
    return tree


def ranking(tree, year=YEAR):
    rows = composite.assess(year=year, customs=composite.customs_in(tree["0000"]), access=None)
    return [(row.rank, row.unit.code, row.composite, row.met) for row in rows]


def test_it_ranks_every_customs_by_the_formula(assessed):
    assert ranking(assessed) == [
        (1, "5200", Fraction(1400, 27), 1),  # audit coverage met
        (2, "5100", Fraction(50), 1),  # internal control met
        (3, "0200", Fraction(100, 3), 1),  # audit coverage met
    ]


def test_it_moves_a_customs_up_when_one_internal_control_is_added(assessed):
    # 0200: control 0/1 → 1/1, composite 100 × 2/3 ≈ 66.67, first.
    InternalControlFactory(unit=assessed["0200"], established_date=dt.date(2009, 12, 31))
    assert ranking(assessed) == [
        (1, "0200", Fraction(200, 3), 2),
        (2, "5200", Fraction(1400, 27), 1),
        (3, "5100", Fraction(50), 1),
    ]


def test_it_does_not_move_for_a_control_established_the_next_year(assessed):
    InternalControlFactory(unit=assessed["0200"], established_date=dt.date(2010, 1, 1))
    assert [code for _rank, code, _c, _m in ranking(assessed)] == ["5200", "5100", "0200"]


def test_it_breaks_a_tie_on_targets_met_then_code(assessed):
    # 5201 gets a control: 5200's control 2/2 → 1, composite 100 × 2/3, two
    # targets met. 0200 gets one too: 100 × 2/3, two targets met. Equal on
    # both, so the code decides: 0200 before 5200.
    InternalControlFactory(unit=assessed["5201"], established_date=dt.date(2009, 1, 1))
    InternalControlFactory(unit=assessed["0200"], established_date=dt.date(2009, 1, 1))
    assert ranking(assessed)[:2] == [(1, "0200", Fraction(200, 3), 2), (2, "5200", Fraction(200, 3), 2)]


def test_it_weights_indicators_from_the_settings(assessed, settings):
    # Audit coverage weighs 3: 5100 = 100 × (3 × 1/2 + 1 + 0) / 5 = 50,
    # 5200 = 100 × (3 + 5/9) / 5 = 640/9 ≈ 71.11, 0200 = 100 × 3/5 = 60.
    settings.COMPOSITE_WEIGHTS = {**settings.COMPOSITE_WEIGHTS, "audit_coverage": 3}
    assert [(code, c) for _r, code, c, _m in ranking(assessed)] == [
        ("5200", Fraction(640, 9)),
        ("0200", Fraction(60)),
        ("5100", Fraction(50)),
    ]


def test_it_scores_a_ceiling_indicator_by_target_over_value():
    assert composite.indicator_score(engine.Figure("case_involvement_rate", 2, 1000, 0.004, "<=")) == 1
    assert composite.indicator_score(engine.Figure("case_involvement_rate", 8, 1000, 0.004, "<=")) == Fraction(1, 2)
    assert composite.indicator_score(engine.Figure("case_involvement_rate", 0, 0, 0.004, "<=")) is None
    assert composite.indicator_score(engine.Figure("satisfaction_rate", 95, 100, 0.90, ">=")) == 1
    assert composite.indicator_score(engine.Figure("satisfaction_rate", 45, 100, 0.90, ">=")) == Fraction(1, 2)


def test_it_shows_every_registered_indicator(client, dora, assessed):
    client.force_login(dora)
    response = client.get(reverse("audit:composite"), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["unit"].code == "0000"
    rows = response.context["rows"]
    assert [row.unit.code for row in rows] == ["5200", "5100", "0200"]
    keys = [indicator.key for indicator in engine.indicators()]
    assert all([f.key for f in row.figures] == keys for row in rows)
    assert "51.85" in response.content.decode()


def test_it_limits_a_supervisory_office_to_the_customs_it_supervises(client, bob, assessed):
    client.force_login(bob)
    response = client.get(reverse("audit:composite"), {"year": YEAR})
    assert response.context["unit"].code == "9100"
    assert [row.unit.code for row in response.context["rows"]] == ["5200", "5100"]


def test_it_answers_404_outside_the_users_scope(client, bob, alice, erin, assessed):
    client.force_login(bob)
    assert client.get(reverse("audit:composite"), {"unit": "9200", "year": YEAR}).status_code == 404
    assert client.get(reverse("audit:composite"), {"unit": "0000", "year": YEAR}).status_code == 404


def test_it_explains_who_may_see_it_to_a_user_who_sees_the_unit(client, alice, erin, assessed):
    """HR or audit of one customs: not a composite scope (not hq, an office or
    leadership). They see that customs anyway, so the page says who may see
    the table (403) instead of a bare 404; a unit they do not see stays 404."""
    client.force_login(alice)
    response = client.get(reverse("audit:composite"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.context["unit"].code == "5100"
    assert "谁可查看综合评估" in response.content.decode()
    assert "rows" not in response.context
    assert client.get(reverse("audit:composite"), {"unit": "0000", "year": YEAR}).status_code == 404
    client.force_login(erin)
    assert client.get(reverse("audit:composite_export"), {"unit": "5100", "year": YEAR}).status_code == 403
    assert client.get(reverse("audit:composite_export"), {"unit": "0200", "year": YEAR}).status_code == 404


def test_it_answers_404_to_a_user_without_any_grant(client, assessed):
    client.force_login(UserFactory())
    assert client.get(reverse("audit:composite"), {"year": YEAR}).status_code == 404
    assert client.get(reverse("audit:composite"), {"unit": "0000", "year": YEAR}).status_code == 404


def test_it_exports_the_ranked_table_to_xlsx(client, dora, assessed):
    client.force_login(dora)
    response = client.get(reverse("audit:composite_export"), {"unit": "0000", "year": YEAR})
    assert response.status_code == 200
    frame = pd.read_excel(io.BytesIO(response.content), dtype={"code": str})
    assert list(frame["code"]) == ["5200", "5100", "0200"]
    assert list(frame["rank"]) == [1, 2, 3]
    assert list(frame["composite"]) == [51.85, 50.0, 33.33]
    assert list(frame["internal_control_rate_numerator"]) == [1, 2, 0]
    assert list(frame["audit_coverage_denominator"]) == [2, 2, 1]


def test_it_assesses_in_a_number_of_queries_that_does_not_grow_with_the_customs(assessed):
    customs = composite.customs_in(assessed["0000"])
    with CaptureQueriesContext(connection) as three:
        composite.assess(year=YEAR, customs=customs, access=None)
    for code in ("0300", "0400", "0500"):
        Unit.objects.create(code=code, name=f"海关{code}", kind=Unit.Kind.DIRECT, parent=assessed["0000"])
    unit_scope_rebuild()
    with CaptureQueriesContext(connection) as six:
        rows = composite.assess(year=YEAR, customs=customs, access=None)
    assert len(rows) == 6
    assert len(six) == len(three) <= 2 * len(engine.indicators()) + 1
