"""Writes through the API: the import engine's rules, all rows or none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ImportLog
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

HEADER = "staff_no,course,start_date,end_date,days,mode\n"
GOOD = "S5101,海关法规,2009-09-01,2009-09-03,3,full_time\n"
BAD = "S5101,缉私实务,2009-10-01,2009-10-02,5,online\n"  # 5 days in a 2-day span


def _upload(text, name="training.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_it_writes_nothing_from_a_file_with_a_bad_row_and_names_row_and_column(service, api_as):
    before = TrainingRecord.objects.count()
    answer = api_as("hr").post("/api/imports/training/", {"file": _upload(HEADER + GOOD + BAD)}, format="multipart")
    assert answer.status_code == 400
    problems = answer.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(3, "days")]
    assert TrainingRecord.objects.count() == before
    log = ImportLog.objects.get()
    assert (log.user, log.succeeded, log.error_count) == (service.users["hr"], False, 1)


def test_it_previews_a_dry_run_and_then_imports(service, api_as):
    client = api_as("hr")
    before = TrainingRecord.objects.count()
    preview = client.post("/api/imports/training/?dry_run=1", {"file": _upload(HEADER + GOOD)}, format="multipart")
    assert preview.status_code == 200
    assert preview.json() == {
        "kind": "training",
        "dry_run": True,
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "ignored_columns": [],
    }
    assert TrainingRecord.objects.count() == before
    done = client.post("/api/imports/training/", {"file": _upload(HEADER + GOOD)}, format="multipart")
    assert done.status_code == 201
    assert done.json()["created"] == 1
    assert TrainingRecord.objects.filter(course="海关法规", officer__staff_no="S5101").count() == 1


def test_it_refuses_an_officer_outside_the_write_scope_like_an_unknown_one(service, api_as):
    client = api_as("hr")
    outside = client.post(
        "/api/imports/training/", {"file": _upload(HEADER + GOOD.replace("S5101", "S0200"))}, format="multipart"
    )
    unknown = client.post(
        "/api/imports/training/", {"file": _upload(HEADER + GOOD.replace("S5101", "S9999"))}, format="multipart"
    )
    assert outside.status_code == unknown.status_code == 400

    def strip(answer):
        return [
            {**p, "message": p["message"].replace("S0200", "X").replace("S9999", "X")}
            for p in answer.json()["problems"]
        ]

    assert strip(outside) == strip(unknown)
    assert [(p["row"], p["column"]) for p in outside.json()["problems"]] == [(2, "staff_no")]


def test_it_takes_training_records_pushed_as_json_and_refuses_the_batch_on_one_bad_record(service, api_as):
    client = api_as("hr")
    good = {
        "staff_no": "S5101",
        "course": "网络安全",
        "start_date": "2009-11-02",
        "end_date": "2009-11-02",
        "days": 1,
        "mode": "online",
    }
    bad = {**good, "course": "保密", "mode": "nosuch"}
    refused = client.post("/api/training/", [good, bad], format="json")
    assert refused.status_code == 400
    assert [(p["row"], p["column"]) for p in refused.json()["problems"]] == [(3, "mode")]
    assert not TrainingRecord.objects.filter(course="网络安全").exists()
    taken = client.post("/api/training/", good, format="json")
    assert taken.status_code == 201
    assert taken.json()["created"] == 1
    again = client.post("/api/training/", [good], format="json")
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 1)


def test_it_answers_404_for_an_unknown_kind_and_400_without_a_file(service, api_as):
    client = api_as("admin")
    assert client.post("/api/imports/nosuch/", {"file": _upload(HEADER)}, format="multipart").status_code == 404
    assert client.post("/api/imports/training/", {}, format="multipart").status_code == 400
