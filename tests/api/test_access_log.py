"""The API writes the access log where the pages do: need-to-know kinds and
alerts, each list page and each record read; other kinds are not logged."""

import pytest

from integrity.models import AccessLog, Case, Complaint, RiskAlert

pytestmark = pytest.mark.django_db


def _rows():
    return list(AccessLog.objects.order_by("pk").values_list("username", "action", "record_kind", "object_ids"))


def test_it_logs_the_cases_listed_and_an_alert_read(service, api_as):
    client = api_as("supervisor")
    listed = client.get("/api/cases/").json()["results"]
    # The supervisor covers 5100 and 5200: the cases of S5100 and S5101.
    assert sorted(row["case_no"] for row in listed) == ["AJ-OFFICER-5101", "AJ-SUSPECT-5100"]
    alert = service.samples[RiskAlert]["in"]
    assert client.get(f"/api/alerts/{alert}/").status_code == 200
    cases = sorted(Case.objects.filter(case_no__in=["AJ-OFFICER-5101", "AJ-SUSPECT-5100"]).values_list("pk", flat=True))
    rows = _rows()
    assert [(u, a, k) for u, a, k, _ids in rows] == [
        ("supervisor", "list", "integrity.case"),
        ("supervisor", "view", "integrity.riskalert"),
    ]
    assert sorted(int(pk) for pk in rows[0][3].split(",")) == cases
    assert rows[1][3] == str(alert)


def test_it_logs_a_complaint_read_by_id_and_nothing_for_training(service, api_as):
    client = api_as("supervisor")
    complaint = service.samples[Complaint]["in"]
    assert client.get(f"/api/complaints/{complaint}/").status_code == 200
    assert client.get("/api/training/").status_code == 200
    assert [(a, k, ids) for _u, a, k, ids in _rows()] == [("view", "integrity.complaint", str(complaint))]


def test_a_record_out_of_scope_is_not_logged(service, api_as):
    client = api_as("supervisor")
    assert client.get(f"/api/complaints/{service.samples[Complaint]['out']}/").status_code == 404
    assert _rows() == []
