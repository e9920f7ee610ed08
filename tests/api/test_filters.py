"""The lists' filters: every kind declares its date; unit and dates filter
as computed by hand from the side-channel service."""

import pytest
from django.core.exceptions import FieldDoesNotExist

from api.kinds import DATE_FIELDS, record_kinds
from core.importing import kinds

pytestmark = pytest.mark.django_db


def test_every_kind_names_a_date_field_its_model_has():
    assert sorted(DATE_FIELDS) == sorted(kinds())
    for kind in record_kinds():
        if kind.date_field is None:
            continue
        model = kind.model
        for part in kind.date_field.split("__"):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                pytest.fail(f"{kind.name}: {kind.date_field}")
            model = field.related_model or model


def _courses(client, query):
    return sorted(row["course"] for row in client.get(f"/api/training/?{query}").json()["results"])


def test_it_filters_training_by_start_date_and_unit(service, api_as):
    # The admin sees both courses, started 2009-03-02 in 5101 and 0200.
    client = api_as("admin")
    assert _courses(client, "") == ["课程C0200", "课程C5101"]
    assert _courses(client, "date_from=2009-03-02&date_to=2009-03-02") == ["课程C0200", "课程C5101"]
    assert _courses(client, "date_from=2009-03-03") == []
    assert _courses(client, "date_to=2009-03-01") == []
    assert _courses(client, "unit=5100") == ["课程C5101"]
    assert _courses(client, "unit=0200") == ["课程C0200"]
    assert _courses(client, "unit=9999") == []


def test_it_filters_a_year_kind_by_the_years_of_the_dates(service, api_as):
    client = api_as("admin")
    comments = lambda query: sorted(  # noqa: E731
        row["comment"] for row in client.get(f"/api/leader_appraisals/?{query}").json()["results"]
    )
    assert comments("date_from=2009-12-31") == ["评语A0200", "评语A5101"]
    assert comments("date_from=2010-01-01") == []
    assert comments("date_to=2009-01-01&unit=5101") == ["评语A5101"]


def test_a_unit_out_of_scope_lists_nothing_like_an_unknown_one(service, api_as):
    client = api_as("hr")
    assert _courses(client, "") == ["课程C5101"]
    assert _courses(client, "unit=0200") == _courses(client, "unit=9999") == []


def test_a_bad_date_is_refused_naming_the_parameter(service, api_as):
    answer = api_as("admin").get("/api/training/?date_from=2009-13-01")
    assert answer.status_code == 400
    assert list(answer.json()) == ["date_from"]
