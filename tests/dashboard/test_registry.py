"""Adding an indicator is one definition in one app.

A throwaway definition registered here, and nothing else, appears on the
dashboard (card, breakdown, drill-down), in the ``indicators`` command and
in the unit report PDF, with its own target, roles, columns, short label and
gap list, after the twelve of the specification.
"""

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from core import indicators as engine
from core.indicators import Column, GapColumn, GapList, Indicator, as_bool, officer_counts, on_roll_at_year_end
from org.roles import Role
from personnel.models import Officer
from tests.dashboard.factories import SPEC_ORDER
from tests.factories import OfficerFactory
from tests.reports.pdftools import needs_poppler, pdf_text

pytestmark = pytest.mark.django_db

KEY = "throwaway_leader_share"


class LeaderShare(Indicator):
    """Officers on the roll at Y-end who are leaders."""

    key = KEY
    position = 99  # after every indicator the apps register
    target = 0.5
    label = "Throwaway: leaders among officers"
    short_label = "Leader share"
    seed = "Leaders among officers"
    drill_down_roles = frozenset({Role.HR, Role.LEADERSHIP})

    def _officers(self, year):
        return Officer.objects.filter(on_roll_at_year_end(year))

    def counts(self, *, year, roots):
        return officer_counts(self._officers(year), Q(is_leader=True), roots)

    def members(self, *, year, root):
        return (
            self._officers(year)
            .in_unit_scope(root)
            .annotate(figure=as_bool(Q(is_leader=True)), meets=as_bool(Q(is_leader=True)))
        )

    def columns(self):
        return [
            Column("staff_no", "staff no", searchable=True),
            Column("name", "name"),
            Column("figure", "is a leader"),
        ]

    def gap_list(self, year):
        return GapList(
            f"Officers who are not leaders in {year}",
            [GapColumn("Staff no", 0.3, lambda o: o.staff_no), GapColumn("Name", 0.7, lambda o: o.name)],
            order_by=("staff_no",),
        )


@pytest.fixture
def registered():
    engine.indicators()  # the installed apps' definitions first
    engine.register(LeaderShare)
    yield engine.get(KEY)
    del engine.REGISTRY[KEY]


@pytest.fixture
def people(tree, officers):
    """In 5100's scope: the three officers of 5100, 5101, 5102 and one
    leader of 5100 -> 1 / 4. The whole service: six officers and the
    leader -> 1 / 7. One officer of 5100 who left in 2008 is not counted."""
    OfficerFactory(staff_no="T0001", name="领导甲", unit=tree["5100"], is_leader=True)
    OfficerFactory(staff_no="T0002", name="离职者", unit=tree["5100"], leave_date=dt.date(2008, 6, 30))
    return officers


def test_it_prints_the_new_indicator_after_the_twelve(registered, people):
    out = StringIO()
    call_command("indicators", "--year", "2009", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())["indicators"]
    assert [row["key"] for row in rows] == [indicator.key for indicator in engine.indicators()]
    assert [row["key"] for row in rows][: len(SPEC_ORDER)] == SPEC_ORDER and rows[-1]["key"] == KEY
    assert rows[-1] == {
        "key": KEY,
        "numerator": 1,
        "denominator": 7,
        "value": round(1 / 7, 6),
        "target": 0.5,
        "comparison": ">=",
        "met": False,
    }


def test_it_shows_the_new_indicator_on_the_dashboard(registered, people, client, alice, bob):
    client.force_login(alice)
    response = client.get(reverse("dashboard:dashboard"), {"unit": "5100", "year": 2009})
    card = next(card for card in response.context["cards"] if card.indicator.key == KEY)
    assert (card.ratio, card.value_text, card.status, card.drillable) == ("1 / 4", "25%", "missed", True)
    assert "Throwaway: leaders among officers" in response.content.decode()
    # The breakdown of 5100: its child 5101 holds the officers of 5101 and 5102, no leader.
    row = response.context["rows"][0]
    assert (row.unit.code, row.cells[-1].ratio) == ("5101", "0 / 2")

    drill = client.get(reverse("dashboard:drill_down", args=[KEY]), {"unit": "5100", "year": 2009})
    assert drill.status_code == 200
    assert [column["label"] for column in drill.context["columns"]][:3] == ["staff no", "name", "is a leader"]
    assert drill.context["page"].paginator.count == 4
    # Its roles are its own: supervision may not open the records behind it.
    client.force_login(bob)
    assert client.get(reverse("dashboard:drill_down", args=[KEY]), {"unit": "5100", "year": 2009}).status_code == 404


@needs_poppler
def test_it_prints_the_new_indicator_in_the_unit_report(registered, people, client, alice):
    client.force_login(alice)
    text = pdf_text(client.get(reverse("reports:unit_report_pdf", args=["5100"]), {"year": 2009}).content)
    # The last row of the table, under its short label and its seed:
    # numerator 1, denominator 4, 25% against 50%.
    row = len(engine.indicators())
    assert re.search(rf"Leader share\s+{row}\s+1\s+4\s+25%\s+≥ 50%\s+未达标\s+Leaders among officers", text)
    # The gap list: the three officers of the scope who are not leaders.
    assert "Officers who are not leaders in 2009（3）" in text
    assert "广州海关关员" in text and "黄埔海关查验科关员" in text
    assert "领导甲" not in text.split("Officers who are not leaders in 2009")[1]


def test_it_refuses_a_second_definition_with_the_same_key(registered):
    clash = type("Clash", (LeaderShare,), {})
    with pytest.raises(ValueError, match=KEY):
        engine.register(clash)


def test_it_opens_need_to_know_drill_downs_to_supervision_only():
    """Leadership sees cases and complaints only as counts (access.md): a
    definition that names people in them lets supervision alone drill down."""
    sensitive = [indicator for indicator in engine.indicators() if indicator.sensitive]
    assert [indicator.key for indicator in sensitive] == ["case_involvement_rate"]
    assert all(indicator.drill_down_roles == {Role.SUPERVISION} for indicator in sensitive)


def test_it_refuses_a_definition_without_its_labels_or_target():
    class Unfinished(Indicator):
        key = "unfinished"
        position = 14
        label = "Unfinished"

    try:
        with pytest.raises(TypeError, match="short_label, seed, target"):
            engine.register(Unfinished)
        assert "unfinished" not in engine.REGISTRY
    finally:
        # Whatever happened, no later test sees it.
        engine.REGISTRY.pop("unfinished", None)
