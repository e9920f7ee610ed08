"""The unit report reads its figures from the snapshot (core/figures.py) and
prints exactly what the live definitions count: every indicator's five-year
trend and every child's figure, at hq, a customs and a subordinate customs,
for the year of the data, its first year and a year before any records, and
for readers whose small counts are withheld or whose own case is left out.
"""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import grant_create
from core import dates, disclosure
from core import indicators as engine
from integrity.models import CaseOfficer
from org.models import Unit
from org.roles import Role
from reports import access
from reports.pdf import unit_report
from tests.conftest import SMALL_DEMO_YEAR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(small_demo, db):
    return small_demo


def readers():
    """The operator, the demo accounts that read unit reports, and a
    supervisor at hq named in a case (the case involvement rate is counted
    live for them, without their case)."""
    users = {name: get_user_model().objects.get(username=name) for name in ("leader", "hr", "supervisor")}
    named = CaseOfficer.objects.select_related("officer").order_by("pk").first().officer
    named.user = UserFactory(username="named")
    named.save()
    grant_create(user=named.user, role=Role.SUPERVISION, unit=Unit.objects.get(kind=Unit.Kind.HQ))
    users["named"] = named.user
    return {"operator": None, **users}


def expected(unit: Unit, year: int, reader) -> tuple[dict, dict]:
    """(trends, breakdown) as the report showed them when it counted live."""
    indicators = [indicator.for_reader(reader) for indicator in engine.indicators()]
    children = list(engine.breakdown_roots(unit).order_by("code"))
    entitled = access.reads_records_at(reader, [unit, *children])
    since = dates.year_choices().since

    def shown(indicator, figure, unit_id):
        return disclosure.disclose(figure, indicator=indicator, reads_records=unit_id in entitled)

    trends = {
        i.key: [(y, shown(i, f, unit.pk)) for y, f in engine.trend(i, year=year, unit=unit, since=since)]
        for i in indicators
    }
    breakdown = {
        i.key: {child.pk: shown(i, f, child.pk) for child, f in engine.breakdown(i, year=year, unit=unit, since=since)}
        for i in indicators
    }
    return trends, breakdown


def test_it_prints_the_figures_the_live_definitions_count(demo):
    since = dates.year_choices().since
    assert since < SMALL_DEMO_YEAR
    units = [
        Unit.objects.get(kind=Unit.Kind.HQ),
        Unit.objects.filter(kind=Unit.Kind.DIRECT).order_by("code").first(),
        Unit.objects.filter(kind=Unit.Kind.SUBORDINATE).order_by("code").first(),
    ]
    compared = 0
    for name, reader in readers().items():
        for unit in units:
            if reader is not None and not access.Access(reader).may_read_unit_report(unit):
                continue
            for year in (SMALL_DEMO_YEAR, since, since - 1):
                r = unit_report.collect(unit, year, reader)
                trends, breakdown = expected(unit, year, reader)
                assert r.trends == trends, (name, unit.code, year)
                assert r.breakdown == breakdown, (name, unit.code, year)
                assert r.figures == [trends[i.key][-1][1] for i in r.indicators]
                compared += 1
    # Every reader at hq or their own unit, three years each.
    assert compared >= 15
    # Not all empty: the comparison is of counted figures.
    assert any(f.numerator for f in unit_report.collect(units[0], SMALL_DEMO_YEAR, None).figures)


def test_it_counts_nothing_live_once_the_snapshot_is_warm(demo, monkeypatch):
    hq = Unit.objects.get(kind=Unit.Kind.HQ)
    leader = get_user_model().objects.get(username="leader")
    unit_report.collect(hq, SMALL_DEMO_YEAR, leader)
    counted = []
    for indicator in engine.indicators():
        monkeypatch.setattr(type(indicator), "counts", lambda self, **kw: counted.append(self.key) or {})
    r = unit_report.collect(hq, SMALL_DEMO_YEAR, leader)
    assert counted == []
    assert len(r.trends) == len(engine.indicators())
    assert [y for y, _f in next(iter(r.trends.values()))] == list(range(SMALL_DEMO_YEAR - 4, SMALL_DEMO_YEAR + 1))


def test_the_years_before_the_records_show_no_data(demo):
    since = dates.year_choices().since
    hq = Unit.objects.get(kind=Unit.Kind.HQ)
    r = unit_report.collect(hq, since + 1, None)
    for indicator in r.indicators:
        before = [f for y, f in r.trends[indicator.key] if y < since]
        assert before and all((f.denominator, f.value, f.met) == (0, None, None) for f in before)


@pytest.mark.parametrize("limit", [3, 100_000])
def test_it_counts_each_gap_list_in_the_query_that_lists_it(demo, monkeypatch, limit):
    monkeypatch.setattr(unit_report, "GAP_LIST_LIMIT", limit)
    hq = Unit.objects.get(kind=Unit.Kind.HQ)
    leader = get_user_model().objects.get(username="leader")
    indicators = [indicator.for_reader(leader) for indicator in engine.indicators()]
    gaps = unit_report.collect(hq, SMALL_DEMO_YEAR, leader).gaps
    expected = []
    for indicator in indicators:
        spec = indicator.gap_list(SMALL_DEMO_YEAR)
        if spec is None or not unit_report.may_list(leader, indicator, hq):
            continue
        missing = indicator.members(year=SMALL_DEMO_YEAR, root=hq).filter(meets=False).visible_to(leader)
        expected.append((spec.title, missing.count(), min(limit, missing.count())))
    assert [(g.title, g.total, len(g.rows)) for g in gaps] == expected
    # Long lists and short ones: the window's count and the short cut both taken.
    assert any(total > limit for _t, total, _n in expected) == (limit == 3)
    assert any(total > 0 for _t, total, _n in expected)
