"""Small counts (access.md, docs/security.md): a need-to-know figure counted
over fewer than 5 officers is withheld from readers who may not see the
records behind it.

The service: one officer in each of 5100, 5101, 5102, 5200, 5201, 0200
(tests/conftest.py), all employed in 2009; one case opened in 2009 names
the officer of 5102. Case involvement rate in 2009, by hand:
5102 1/1, 5101 (5101+5102) 1/2, 5100 (5100+5101+5102) 1/3, 5200 0/2,
0200 0/1, the whole service 1/6.
"""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command

from audit import composite
from integrity.models import AccessLog
from org.access import Access
from tests.reports.pdftools import needs_poppler, pdf_text

from .factories import case_naming

pytestmark = pytest.mark.django_db
DASHBOARD = "/"
DRILL = "/indicators/case_involvement_rate/"
KEY = "case_involvement_rate"
WITHHELD = "不足5人，不予显示"


@pytest.fixture
def one_case(officers):
    return case_naming(officers["5102"], opened_date=dt.date(2009, 3, 1))


def _card(response):
    (card,) = [c for c in response.context["cards"] if c.indicator.key == KEY]
    return card


def _cells(response):
    position = [c.indicator.key for c in response.context["cards"]].index(KEY)
    return {row.unit.code: row.cells[position] for row in response.context["rows"]}


def test_it_withholds_the_rate_of_a_small_unit_from_leadership_and_hr(client, dora, alice, one_case):
    for user in (dora, alice):
        client.force_login(user)
        response = client.get(DASHBOARD, {"unit": "5100", "year": 2009})
        card = _card(response)
        assert card.figure.suppressed and card.figure.denominator == 3
        assert (card.ratio, card.value_text, card.status) == (WITHHELD, "—", "suppressed")
        # The breakdown below 5100 is 5101 alone: 1 / 2, withheld too.
        cell = _cells(response)["5101"]
        assert (cell.ratio, cell.figure.value, cell.figure.met) == (WITHHELD, None, None)
        body = response.content.decode()
        assert WITHHELD in body and "1 / 3" not in body and "1 / 2" not in body


def test_it_shows_leadership_the_rate_of_a_scope_of_five_or_more(client, dora, one_case):
    client.force_login(dora)
    response = client.get(DASHBOARD, {"unit": "0000", "year": 2009})
    card = _card(response)
    assert (card.figure.suppressed, card.ratio) == (False, "1 / 6")
    # Every customs has fewer than 5 officers: each cell of the breakdown is withheld.
    cells = _cells(response)
    assert {code: cell.ratio for code, cell in cells.items()} == {
        "5100": WITHHELD,
        "5200": WITHHELD,
        "0200": WITHHELD,
    }
    # The trend's hover notes do not give the withheld years away either.
    assert "1 / 3" not in response.content.decode()


def test_it_shows_supervision_the_rate_of_a_one_officer_unit(client, bob, one_case):
    client.force_login(bob)
    response = client.get(DASHBOARD, {"unit": "5100", "year": 2009})
    assert (_card(response).ratio, _cells(response)["5101"].ratio) == ("1 / 3", "1 / 2")
    response = client.get(DRILL, {"unit": "5102", "year": 2009})
    assert response.context["cell"].ratio == "1 / 1"
    assert response.context["cell"].value_text == "100%"


def test_it_counts_for_a_supervisor_without_the_cases_naming_him(client, frank, officers):
    # frank supervises 5200 and is himself one of its three officers (5200,
    # 5201, frank). A case naming him and the officer of 5201 is hidden from
    # him, so it is not counted for him either: he reads 0 / 3 for 5200 and
    # 0 / 1 for 5201 whether or not it exists. The command counts it.
    answers = []
    for exists in (False, True):
        if exists:
            case_naming(frank.officer, officers["5201"], opened_date=dt.date(2009, 5, 1))
        client.force_login(frank)
        response = client.get(DASHBOARD, {"unit": "5200", "year": 2009})
        drill = client.get(DRILL, {"unit": "5201", "year": 2009})
        rows = [(row["cells"][0], row["cells"][-1]) for row in drill.context["rows"]]
        answers.append((_card(response).ratio, _cells(response)["5201"].ratio, drill.context["cell"].ratio, rows))
    assert answers[0] == answers[1] == ("0 / 3", "0 / 1", "0 / 1", [(officers["5201"].staff_no, "0")])
    out = io.StringIO()
    call_command("indicators", "--year", "2009", "--unit", "5200", "--format", "json", stdout=out)
    (row,) = [r for r in json.loads(out.getvalue())["indicators"] if r["key"] == KEY]
    assert (row["numerator"], row["denominator"]) == (2, 3)


def test_it_withholds_small_counts_in_the_composite_and_leaves_them_out_of_the_score(dora, bob, tree, one_case):
    customs = composite.customs_in(tree["0000"])
    (gz_leader,) = [
        row for row in composite.assess(year=2009, customs=customs, access=Access(dora)) if row.unit.code == "5100"
    ]
    (gz_bob,) = [
        row for row in composite.assess(year=2009, customs=customs, access=Access(bob)) if row.unit.code == "5100"
    ]
    position = [f.key for f in gz_bob.figures].index(KEY)
    assert gz_leader.cells[position]["ratio"] == WITHHELD
    assert gz_leader.scores[position] is None
    # bob covers 5100: 1/3 against a 0.004 ceiling scores 0.004 / (1/3) = 0.012.
    assert gz_bob.cells[position]["ratio"] == "1/3"
    assert float(gz_bob.scores[position]) == pytest.approx(0.012)
    assert gz_leader.assessed == gz_bob.assessed - 1
    (record,) = [r for r in composite.export_records([gz_leader])]
    assert (record[f"{KEY}_numerator"], record[KEY], record[f"{KEY}_denominator"]) == (None, None, 3)
    # Whether the ceiling is met would tell that someone is counted: 1/3 misses it for bob, unknown for leadership.
    met = (record[f"{KEY}_met"], gz_leader.cells[position]["met"], gz_bob.cells[position]["met"])
    assert met == (None, None, False)


def test_the_indicators_command_prints_small_counts_unsuppressed(one_case):
    out = io.StringIO()
    call_command("indicators", "--year", "2009", "--unit", "5102", "--format", "json", stdout=out)
    (row,) = [r for r in json.loads(out.getvalue())["indicators"] if r["key"] == KEY]
    assert (row["numerator"], row["denominator"], row["value"], row["met"]) == (1, 1, 1.0, False)


@needs_poppler
def test_it_withholds_small_counts_in_the_unit_report_from_leadership_only(client, dora, bob, one_case):
    url = "/reports/units/5101/report.pdf?year=2009"
    # 5101's scope has 2 officers: 0/2 in 2005-2008, 1/2 in 2009.
    client.force_login(dora)
    text = pdf_text(client.get(url).content)
    assert re.search(r"涉案率\s+\*\s+\*\s+\*\s+\*\s+\*\n", text)  # the five-year trend
    assert re.search(r"\* 不足5人，不予显示", text)
    client.force_login(bob)
    text = pdf_text(client.get(url).content)
    assert re.search(r"涉案率\s+0%\s+0%\s+0%\s+0%\s+50%\n", text)
    assert WITHHELD not in text
    assert not AccessLog.objects.filter(user=dora).exists()
