"""The leak matrix of the pages, against the API: every persona x in/out of
scope x every endpoint of the router (so a new endpoint is covered without
editing this file: each viewset names the model it serves, ``model``, and
the service of tests/security holds a record of it in scope and one out).

For each read endpoint the expected answer comes from the one scoping layer
(``visible_to``): a record by id answers 200 exactly when the persona may
read it, 404 otherwise; a list holds exactly the visible records; no answer
shows the identifying text of a record the persona may not read.
"""

import pytest

from api.urls import router
from core.importing import kinds
from integrity.models import Case, CaseOfficer, RiskAlert
from jobs.models import Job
from org.access import DASHBOARD_ROLES, Access
from org.models import Unit
from tests.integrity.factories import case_naming

from .conftest import PERSONAS, hidden_texts

pytestmark = pytest.mark.django_db


def _endpoints():
    return [(prefix, viewset) for prefix, viewset, _basename in router.registry]


def _visible(model, user) -> set:
    """The ids of ``model`` the persona may read, by the one scoping layer: a
    case's row only where the case itself is readable too."""
    visible = model.objects.visible_to(user)
    if model is CaseOfficer:
        visible = visible.filter(case__in=Case.objects.visible_to(user))
    return set(visible.values_list("pk", flat=True))


def _samples(service, model) -> dict:
    if model is CaseOfficer:
        case = service.samples[Case]
        return {
            where: CaseOfficer.objects.filter(case_id=pk).values_list("pk", flat=True).first()
            for where, pk in case.items()
        }
    return service.samples[model]


def test_the_router_serves_every_record_kind_the_alerts_and_the_jobs():
    assert sorted(prefix for prefix, _v in _endpoints()) == sorted([*kinds(), "alerts", "jobs"])
    assert {prefix: viewset.model for prefix, viewset in _endpoints()}["jobs"] is Job


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_every_endpoint_as_the_pages_do(service, api_as, persona):
    user = service.users[persona]
    client = api_as(persona)
    hidden = hidden_texts(service, user)
    problems = []
    for prefix, viewset in _endpoints():
        model = viewset.model
        listed = client.get(
            f"/api/{prefix}/?page_size=500&status=" if prefix == "alerts" else f"/api/{prefix}/?page_size=500"
        )
        assert listed.status_code == 200, (prefix, listed.status_code)
        text = listed.content.decode()
        problems += [f"{prefix} list shows {t}" for t in hidden if t in text]
        ids = {str(row["id"]) for row in listed.json()["results"]}
        visible = _visible(model, user)
        expected = {str(pk) for pk in visible}
        if prefix == "alerts":
            expected = set(
                str(pk) for pk in RiskAlert.objects.filter(pk__in=expected).active().values_list("pk", flat=True)
            )
        if ids != expected:
            problems.append(f"{prefix} lists {sorted(ids)}, visible {sorted(expected)}")
        for where, pk in _samples(service, model).items():
            answer = client.get(f"/api/{prefix}/{pk}/")
            want = 200 if pk in visible else 404
            if answer.status_code != want:
                problems.append(f"{prefix} {where} {pk}: {answer.status_code}, expected {want}")
            problems += [f"{prefix}/{pk} shows {t}" for t in hidden if t in answer.content.decode()]
        missing = client.get(f"/api/{prefix}/999999/")
        if missing.status_code != 404:
            problems.append(f"{prefix} missing: {missing.status_code}")
    assert problems == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_filters_by_unit_within_scope_only(service, api_as, persona):
    user = service.users[persona]
    client = api_as(persona)
    hidden = hidden_texts(service, user)
    for prefix, _viewset in _endpoints():
        for code in ("5101", "0200", "9999"):
            answer = client.get(f"/api/{prefix}/?unit={code}&date_from=2000-01-01&date_to=2030-12-31")
            assert answer.status_code == 200, (prefix, code)
            assert [t for t in hidden if t in answer.content.decode()] == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_the_indicators_of_a_unit_in_scope_only(service, api_as, persona):
    user = service.users[persona]
    client = api_as(persona)
    allowed = set(Unit.objects.filter(pk__in=Access(user).units(DASHBOARD_ROLES)).values_list("code", flat=True))
    for code in ("5101", "0200", "9999"):
        answer = client.get(f"/api/indicators/?unit={code}&year=2009")
        assert answer.status_code == (200 if code in allowed else 404), (code, answer.status_code)


def test_it_hides_every_row_of_a_case_that_names_the_reader(service, api_as):
    # A case naming the suspect (S5100) and S5101: the row of S5101 alone is
    # within the suspect's supervision grant, but the case names him.
    case = case_naming(service.officer["5100"], service.officer["5101"], case_no="AJ-TWO-5100")
    other_row = CaseOfficer.objects.get(case=case, officer=service.officer["5101"])
    suspect, supervisor = api_as("suspect"), api_as("supervisor")
    assert "AJ-TWO-5100" not in suspect.get("/api/cases/?page_size=500").content.decode()
    assert suspect.get(f"/api/cases/{other_row.pk}/").status_code == 404
    assert supervisor.get(f"/api/cases/{other_row.pk}/").json()["case_no"] == "AJ-TWO-5100"
