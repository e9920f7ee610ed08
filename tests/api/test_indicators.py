"""/api/indicators/: the command's numbers and JSON shape, with the
dashboard's small-counts rule for a reader who may not see the records."""

import io
import json

import pytest
from django.core.management import call_command

from core import indicators as engine

pytestmark = pytest.mark.django_db


def _command(*args) -> dict:
    out = io.StringIO()
    call_command("indicators", "--year", "2009", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def _case_rate(payload) -> dict:
    return next(row for row in payload["indicators"] if row["key"] == "case_involvement_rate")


def test_it_equals_the_command_for_a_unit_and_for_the_whole_service(service, api_as):
    client = api_as("admin")
    assert client.get("/api/indicators/?unit=5100&year=2009").json() == _command("--unit", "5100")
    assert client.get("/api/indicators/?year=2009").json() == _command()
    keys = [row["key"] for row in _command()["indicators"]]
    assert keys == [indicator.key for indicator in engine.indicators()]


def test_it_withholds_a_small_case_count_from_leadership_as_the_dashboard_does(service, api_as):
    # Scope 5101 in 2009: officers S5101 and S5102 employed (denominator 2),
    # S5101 named in case AJ-OFFICER-5101 opened 2009-03-01 (numerator 1).
    command = _case_rate(_command("--unit", "5101"))
    assert (command["numerator"], command["denominator"], command["value"]) == (1, 2, 0.5)
    leader = _case_rate(api_as("leader").get("/api/indicators/?unit=5101&year=2009").json())
    assert leader == {**command, "numerator": None, "value": None, "met": None}
    supervisor = _case_rate(api_as("supervisor").get("/api/indicators/?unit=5101&year=2009").json())
    assert supervisor == command


def test_it_refuses_a_bad_year_with_a_message(service, api_as):
    client = api_as("admin")
    assert client.get("/api/indicators/?year=abc").status_code == 400
    assert "year" in client.get("/api/indicators/?year=99999").json()
