"""``manage.py indicators``: the JSON contract against hand counts (Y = 2009)."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from core import indicators as engine
from personnel.models import Officer
from tests.dashboard.factories import SPEC_ORDER, TrainingRecordFactory
from tests.factories import OfficerFactory, PostingFactory, ReserveCadreFactory

pytestmark = pytest.mark.django_db

D = dt.date
MINE = [
    "training_days_12",
    "leader_fulltime_training_5y",
    "reserve_two_leadership_posts",
    "reserve_grassroots",
    "leadership_team_age",
]


@pytest.fixture
def service(tree):
    u = tree
    a = OfficerFactory(unit=u["5101"])
    TrainingRecordFactory(officer=a, days=Decimal("12"), start_date=D(2009, 3, 2))
    # B and C lead Guangzhou: B aged 49, C aged 59 at Y-end -> exactly half.
    b = OfficerFactory(unit=u["5100"], is_leader=True, rank_level=Officer.RankLevel.DIVISION, birth_date=D(1960, 5, 1))
    TrainingRecordFactory(officer=b, days=Decimal("90"), start_date=D(2008, 3, 3), mode="full_time")
    c = OfficerFactory(unit=u["5100"], is_leader=True, rank_level=Officer.RankLevel.BUREAU, birth_date=D(1950, 1, 1))
    TrainingRecordFactory(officer=c, days=Decimal("20"), start_date=D(2009, 5, 4), mode="full_time")
    d = OfficerFactory(unit=u["0200"])
    ReserveCadreFactory(officer=d, added_date=D(2008, 1, 1))
    PostingFactory(officer=d, start_date=D(2003, 1, 1), leadership=True, grassroots=True)
    PostingFactory(officer=d, start_date=D(2006, 1, 1), leadership=True)
    e = OfficerFactory(unit=u["0200"])
    ReserveCadreFactory(officer=e, added_date=D(2009, 1, 1))
    PostingFactory(officer=e, start_date=D(2006, 1, 1), leadership=True)
    return u


def run(*args) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def mine(payload):
    rows = {row["key"]: row for row in payload["indicators"]}
    return {key: rows[key] for key in MINE}


def row(key, numerator, denominator, value, target, met):
    return {
        "key": key,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "target": target,
        "comparison": ">=",
        "met": met,
    }


def test_it_prints_the_whole_service_as_json(service):
    payload = json.loads(run("--year", "2009", "--format", "json"))
    assert (payload["year"], payload["unit"]) == (2009, None)
    # The twelve of the spec first, in its order; indicators added since follow them.
    assert [r["key"] for r in payload["indicators"]][: len(SPEC_ORDER)] == SPEC_ORDER
    assert "rectification_completion_rate" in [r["key"] for r in payload["indicators"]][len(SPEC_ORDER) :]
    assert mine(payload) == {
        # a (12 days) and c (20 days) of the five employed all year
        "training_days_12": row("training_days_12", 2, 5, 0.4, 1.0, False),
        # b has 90 full-time days since 2005, c only 20
        "leader_fulltime_training_5y": row("leader_fulltime_training_5y", 1, 2, 0.5, 1.0, False),
        # d has two leadership posts and a grassroots one, e one leadership post
        "reserve_two_leadership_posts": row("reserve_two_leadership_posts", 1, 2, 0.5, 1.0, False),
        "reserve_grassroots": row("reserve_grassroots", 1, 2, 0.5, 0.95, False),
        # only Guangzhou has a team, half of it in the band
        "leadership_team_age": row("leadership_team_age", 0, 1, 0.0, 1.0, False),
    }


def test_it_scopes_to_the_unit_given(service):
    payload = json.loads(run("--year", "2009", "--unit", "5100", "--format", "json"))
    assert (payload["year"], payload["unit"]) == (2009, "5100")
    assert mine(payload) == {
        "training_days_12": row("training_days_12", 2, 3, 0.666667, 1.0, False),
        "leader_fulltime_training_5y": row("leader_fulltime_training_5y", 1, 2, 0.5, 1.0, False),
        "reserve_two_leadership_posts": row("reserve_two_leadership_posts", 0, 0, None, 1.0, None),
        "reserve_grassroots": row("reserve_grassroots", 0, 0, None, 0.95, None),
        "leadership_team_age": row("leadership_team_age", 0, 1, 0.0, 1.0, False),
    }


def test_it_scopes_to_a_customs_without_leaders(service):
    payload = json.loads(run("--year", "2009", "--unit", "0200", "--format", "json"))
    assert mine(payload) == {
        "training_days_12": row("training_days_12", 0, 2, 0.0, 1.0, False),
        "leader_fulltime_training_5y": row("leader_fulltime_training_5y", 0, 0, None, 1.0, None),
        "reserve_two_leadership_posts": row("reserve_two_leadership_posts", 1, 2, 0.5, 1.0, False),
        "reserve_grassroots": row("reserve_grassroots", 1, 2, 0.5, 0.95, False),
        "leadership_team_age": row("leadership_team_age", 0, 0, None, 1.0, None),
    }


def test_it_rejects_an_unknown_unit(service):
    with pytest.raises(CommandError, match="9999"):
        run("--year", "2009", "--unit", "9999", "--format", "json")


def test_it_exits_1_on_an_unknown_unit(service, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command_from_argv(["manage.py", "indicators", "--year", "2009", "--unit", "9999"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "9999" in captured.err


def call_command_from_argv(argv):
    from dashboard.management.commands.indicators import Command

    Command().run_from_argv(argv)


def test_it_prints_a_table_by_default(service):
    text = run("--year", "2009", "--unit", "5100")
    lines = text.splitlines()
    assert "5100" in lines[0]
    label = str(engine.get("training_days_12").label)
    training_line = next(line for line in lines if line.startswith(label))
    assert training_line[len(label) :].split() == ["2", "3", "66.67%", ">=", "100.00%", str(_("no"))]
