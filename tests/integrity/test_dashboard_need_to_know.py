"""The dashboard's drill-down of case_involvement_rate names people in
cases: supervision only, conflict of interest applied, every read logged."""

import datetime as dt

import pytest

from integrity.models import AccessLog

from .factories import case_naming

pytestmark = pytest.mark.django_db
URL = "/indicators/case_involvement_rate/"


def test_it_gives_leadership_and_hr_the_count_but_not_the_names(client, dora, alice, officers):
    case_naming(officers["5101"], opened_date=dt.date(2009, 3, 1))
    for user in (dora, alice):
        client.force_login(user)
        assert client.get(URL, {"unit": "5100", "year": 2009}).status_code == 404
        assert client.get(URL + "export.xlsx", {"unit": "5100", "year": 2009}).status_code == 404
    assert AccessLog.objects.count() == 0


def test_it_shows_supervision_the_names_and_logs_the_cases_behind_them(client, bob, officers):
    case = case_naming(officers["5101"], opened_date=dt.date(2009, 3, 1))
    client.force_login(bob)
    response = client.get(URL, {"unit": "5100", "year": 2009})
    assert response.status_code == 200
    assert officers["5101"].name in response.content.decode()
    (entry,) = AccessLog.objects.all()
    assert (entry.username, entry.action, entry.record_kind, entry.object_ids) == (
        "bob",
        "list",
        "integrity.case",
        str(case.pk),
    )
    assert client.get(URL + "export.xlsx", {"unit": "5100", "year": 2009}).status_code == 200
    assert list(AccessLog.objects.order_by("pk").values_list("action", flat=True)) == ["list", "export"]


def test_it_leaves_the_named_supervisor_out_of_their_own_drill_down(client, frank, officers):
    case_naming(frank.officer, opened_date=dt.date(2009, 3, 1))
    client.force_login(frank)
    response = client.get(URL, {"unit": "5200", "year": 2009})
    assert response.status_code == 200
    assert "弗兰克" not in response.content.decode()
