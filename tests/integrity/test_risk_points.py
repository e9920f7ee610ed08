"""The risk-point register: the rotation rule by level, the posting's level,
the review-rate indicator, the import file and the register page
(docs/integrity.md, as-of D = 2009-12-15 for the rule)."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import grant_create
from core import indicators as engine
from core.importing import records_export, records_import
from integrity import risk
from integrity.models import RiskPoint
from org.models import Unit
from org.roles import Role
from personnel.models import Posting
from tests.factories import OfficerFactory, PostingFactory, UserFactory

from .factories import RiskPointFactory

pytestmark = pytest.mark.django_db
D = dt.date(2009, 12, 15)
Level = RiskPoint.Level


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _thresholds(**years):
    return override_settings(INTEGRITY_RISK={**settings.INTEGRITY_RISK, "rotation_years": years})


def _posting(tree, code, level, start, **kwargs):
    officer = OfficerFactory(unit=tree[code])
    PostingFactory(officer=officer, unit=tree[code], position="查验岗", post_risk=level, start_date=start, **kwargs)
    return officer


# --- rotation_overdue by level -------------------------------------------------


def test_it_fires_a_medium_post_at_eight_years_when_a_medium_threshold_is_set(tree):
    seven = _posting(tree, "5100", Level.MEDIUM, dt.date(2002, 12, 15))  # exactly 7 years at D
    eight = _posting(tree, "5100", Level.MEDIUM, dt.date(2001, 12, 15))  # exactly 8 years at D
    with _thresholds(high=5, medium=8, low=None):
        facts = risk.rotation_overdue(D)
    assert seven.pk not in facts
    # 2001-12-15 to 2009-12-15 is 2,922 days: 2922 / 365.25 = 8.0
    assert facts == {eight.pk: ["posting at 广州海关 (查验岗), medium-risk, since 2001-12-15: 8.0 years"]}


def test_it_fires_high_at_five_years_and_never_medium_with_the_defaults(tree):
    assert settings.INTEGRITY_RISK["rotation_years"] == {"high": 5, "medium": None, "low": None}
    high = _posting(tree, "5101", Level.HIGH, dt.date(2004, 12, 15))
    _posting(tree, "5101", Level.MEDIUM, dt.date(1990, 1, 1))
    _posting(tree, "5101", Level.LOW, dt.date(1990, 1, 1))
    assert list(risk.rotation_overdue(D)) == [high.pk]


def test_it_takes_the_level_and_the_name_from_the_risk_point_a_posting_names(tree):
    point = RiskPointFactory(unit=tree["5101"], post="查验岗", name="查验放行", level=Level.HIGH)
    # Flagged low on the posting, but it names a high point: high wins.
    named = _posting(tree, "5101", Level.LOW, dt.date(2004, 12, 15), risk_point=point)
    # Flagged high, but its point is low: not overdue.
    low_point = RiskPointFactory(unit=tree["5101"], post="后勤岗", name="采购", level=Level.LOW)
    _posting(tree, "5101", Level.HIGH, dt.date(2001, 1, 1), risk_point=low_point)
    posting = Posting.objects.get(officer=named)
    assert (posting.post_risk, posting.risk_level) == ("low", "high")
    assert risk.rotation_overdue(D) == {
        named.pk: ["posting at 黄埔海关 (查验岗), high-risk, risk point 查验放行, since 2004-12-15: 5.0 years"],
    }


def test_it_keeps_post_risk_where_a_posting_names_no_risk_point(tree):
    officer = _posting(tree, "5101", Level.MEDIUM, dt.date(2004, 12, 15))
    assert Posting.objects.get(officer=officer).risk_level == "medium"


# --- The review-rate indicator (Y = 2009: reviews dated 2009-01-01 .. 2009-12-31) ----


@pytest.fixture
def points(tree):
    RiskPointFactory(unit=tree["5100"], last_reviewed=dt.date(2009, 3, 1))  # counted
    RiskPointFactory(unit=tree["5100"], level=Level.MEDIUM, last_reviewed=dt.date(2008, 12, 31))  # a day early
    RiskPointFactory(unit=tree["5100"], level=Level.LOW, last_reviewed=None)  # never reviewed
    RiskPointFactory(unit=tree["5101"], last_reviewed=dt.date(2009, 12, 31))  # counted
    # Reviewed in 2009, then again in 2010: the 2009 review is in its history.
    later = RiskPointFactory(unit=tree["5101"], last_reviewed=dt.date(2009, 5, 1))
    later.last_reviewed = dt.date(2010, 2, 1)
    later.save()
    RiskPointFactory(unit=tree["5200"], last_reviewed=dt.date(2009, 1, 1))  # counted
    RiskPointFactory(unit=tree["5200"], last_reviewed=dt.date(2008, 6, 1))
    RiskPointFactory(unit=tree["0200"], last_reviewed=dt.date(2009, 6, 1))  # counted
    return tree


def test_it_counts_the_review_rate_by_hand(points):
    indicator = engine.get("risk_point_review_rate")
    roots = Unit.objects.filter(code__in=["5100", "5101", "9100", "0000"])
    counts = {Unit.objects.get(pk=pk).code: pair for pk, pair in indicator.counts(year=2009, roots=roots).items()}
    assert counts == {
        "5100": (3, 5),  # 5100's three (one counted) and 5101's two (both counted)
        "5101": (2, 2),
        "9100": (4, 7),  # supervises 5100 and 5200: 3 of 5 and 1 of 2
        "0000": (5, 8),
    }
    assert indicator.target == 1.0
    members = indicator.members(year=2009, root=points["9100"])
    assert sorted(members.values_list("unit__code", "figure")) == [
        ("5100", 0),
        ("5100", 0),
        ("5100", 1),
        ("5101", 1),
        ("5101", 1),
        ("5200", 0),
        ("5200", 1),
    ]


def test_it_follows_the_twelve_in_the_registry_and_the_figures(points):
    keys = [indicator.key for indicator in engine.indicators()]
    assert keys.index("risk_point_review_rate") >= 12
    figure = next(f for f in engine.compute(year=2009, unit=points["9100"]) if f.key == "risk_point_review_rate")
    assert (figure.numerator, figure.denominator, figure.as_dict()["met"]) == (4, 7, False)


# --- Import and export --------------------------------------------------------


def test_it_imports_the_register_with_chinese_headers_and_round_trips(tree):
    leader = OfficerFactory(unit=tree["5101"], staff_no="L0001")
    text = (
        "单位编码,岗位,风险点,表现形式,风险等级,防控措施,责任领导工号,最近复核日期\n"
        "5101,查验岗,查验放行,收受好处后放行,高,双人查验,L0001,2009-03-01\n"
        "5101,综合岗,采购,,低,,,\n"
    )
    outcome = records_import(
        kind="risk_points", dataset_or_file=text.encode("utf-8-sig"), file_name="r.csv", acting_user=None
    )
    assert (outcome.succeeded, outcome.created) == (True, 2)
    point = RiskPoint.objects.get(name="查验放行")
    assert (point.unit.code, point.level, point.responsible_leader, point.last_reviewed) == (
        "5101",
        "high",
        leader,
        dt.date(2009, 3, 1),
    )
    assert point.history.count() == 1
    exported = records_export(kind="risk_points")
    assert exported.headers == [
        "unit_code",
        "post",
        "name",
        "manifestation",
        "level",
        "measures",
        "responsible_leader",
        "last_reviewed",
    ]
    again = records_import(
        kind="risk_points", dataset_or_file=exported.export("csv").encode(), file_name="a.csv", acting_user=None
    )
    assert (again.succeeded, again.created, again.updated, again.unchanged) == (True, 0, 0, 2)


def test_it_refuses_a_register_row_outside_the_importers_scope(bob, tree):
    text = "单位编码,岗位,风险点,风险等级\n0200,查验岗,查验放行,高\n"
    outcome = records_import(
        kind="risk_points", dataset_or_file=text.encode("utf-8-sig"), file_name="r.csv", acting_user=bob
    )
    assert not outcome.succeeded
    assert [(p.row, p.column) for p in outcome.problems] == [(2, "单位编码")]
    assert not RiskPoint.objects.exists()


# --- The register page ----------------------------------------------------------


def _user(username, role, unit):
    user = UserFactory(username=username)
    grant_create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def register(tree):
    today = timezone.localdate()
    high = RiskPointFactory(
        unit=tree["5100"], post="查验岗", name="查验放行", last_reviewed=today - dt.timedelta(days=30)
    )
    RiskPointFactory(
        unit=tree["5100"], post="审单岗", name="审单", level=Level.MEDIUM, last_reviewed=today - dt.timedelta(days=400)
    )
    RiskPointFactory(unit=tree["5100"], post="综合岗", name="采购", level=Level.LOW, last_reviewed=None)
    RiskPointFactory(unit=tree["5101"], name="减免税审批")  # another unit's register
    seated = OfficerFactory(unit=tree["5100"], staff_no="S0001", name="甲")
    PostingFactory(
        officer=seated,
        unit=tree["5100"],
        position="查验岗",
        risk_point=high,
        start_date=today - dt.timedelta(days=3652),
    )
    left = OfficerFactory(unit=tree["5100"], staff_no="S0002")
    PostingFactory(
        officer=left,
        unit=tree["5100"],
        position="查验岗",
        risk_point=high,
        start_date=today - dt.timedelta(days=4000),
        end_date=today - dt.timedelta(days=10),
    )
    return {"high": high, "seated": seated}


def _get(client, user, code):
    client.force_login(user)
    return client.get(reverse("integrity:risk_register", args=[code]))


def test_it_shows_a_unit_register_by_level_with_overdue_reviews_and_the_high_seats(client, bob, register):
    response = _get(client, bob, "5100")
    assert response.status_code == 200
    levels = {group["level"]: [p.name for p in group["points"]] for group in response.context["levels"]}
    assert levels == {"high": ["查验放行"], "medium": ["审单"], "low": ["采购"]}
    assert [p.name for p in response.context["overdue"]] == ["审单", "采购"]
    high = response.context["levels"][0]["points"][0]
    # 3,652 days / 365.25 = 9.998... -> 10.0 years; the ended posting is not a seat.
    assert [(s["officer"], s["years"]) for s in high.occupants] == [(register["seated"], "10.0")]
    assert "甲（S0001）" in response.content.decode()  # the page speaks zh-hans by default


def test_it_answers_404_outside_the_scope_and_for_an_unknown_unit(client, charlie, register):
    assert _get(client, charlie, "5100").status_code == 404
    assert _get(client, charlie, "9999").status_code == 404


def test_it_answers_404_to_a_role_that_does_not_read_the_register(client, tree, register):
    auditor = _user("auditor", Role.AUDIT, tree["5100"])
    assert _get(client, auditor, "5100").status_code == 404


def test_it_lets_hr_and_leadership_read_it_and_links_it_from_the_dashboard(client, alice, dora, register):
    assert _get(client, alice, "5100").status_code == 200
    assert _get(client, dora, "5100").status_code == 200
    dashboard = client.get(reverse("dashboard:dashboard"), {"unit": "5100", "year": 2009})
    assert reverse("integrity:risk_register", args=["5100"]) in [link["url"] for link in dashboard.context["links"]]
