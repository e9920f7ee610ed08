"""Large import files through the API run as jobs (core/importing/jobs.py):
202 with the job's id and status URL, the status at /api/jobs/<id>/, the
rows written by the worker under the owner's grants as they are when it
runs. The threshold is lowered to one data row (two for the boundary)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.models import ImportLog
from jobs.files import store_bytes
from jobs.models import Job, JobChunk
from jobs.services import job_succeed
from org.models import UnitUserObjectPermission
from training.models import TrainingRecord

from .conftest import token_client

pytestmark = pytest.mark.django_db

ONE_ROW = {**settings.JOBS, "import_rows_threshold": 1, "chunk_bytes": 64}
HEADER = "staff_no,course,start_date,end_date,days,mode\n"
LAW = "S5101,海关法规,2009-09-01,2009-09-03,3,full_time\n"
ETHICS = "S5102,廉政教育,2009-10-12,2009-10-12,1,online\n"
BAD = "S5101,缉私实务,2009-10-01,2009-10-02,5,online\n"  # 5 days in a 2-day span
COURSES = ("海关法规", "廉政教育", "缉私实务")


def _upload(text, name="training.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _post(client, text, query=""):
    return client.post(f"/api/imports/training/{query}", {"file": _upload(text)}, format="multipart")


def _written():
    return TrainingRecord.objects.filter(course__in=COURSES)


@override_settings(JOBS=ONE_ROW)
def test_a_large_file_is_written_by_a_job_whose_progress_and_outcome_the_api_reads(
    service, api_as, run_jobs, committing
):
    client = api_as("hr")
    with committing():
        answer = _post(client, HEADER + LAW + ETHICS)
    assert answer.status_code == 202
    body = answer.json()
    job = Job.objects.get(pk=body["job"])
    assert body == {"job": str(job.pk), "status": "queued", "status_url": f"http://testserver/api/jobs/{job.pk}/"}
    assert answer["Location"] == body["status_url"]
    # Nothing written in the request; the upload waits in the database, 64-byte chunks.
    assert not _written().exists()
    assert (job.kind, job.owner, job.total) == ("import_write", service.users["hr"], 2)
    kept = b"".join(bytes(c.data) for c in job.chunks.filter(slot="upload").order_by("seq"))
    assert kept == (HEADER + LAW + ETHICS).encode() and job.chunks.count() == 3  # 149 bytes
    queued = client.get(body["status_url"]).json()
    assert (queued["status"], queued["done"], queued["total"], queued["result"]) == ("queued", 0, 2, None)

    run_jobs()
    done = client.get(body["status_url"])
    assert done.status_code == 200 and done["Cache-Control"] == "private, no-store"
    state = done.json()
    assert {k: state[k] for k in ("status", "done", "total", "finished", "error", "download")} == {
        "status": "succeeded",
        "done": 2,
        "total": 2,
        "finished": True,
        "error": "",
        "download": None,
    }
    assert state["result"] == {
        "kind": "training",
        "dry_run": False,
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "ignored_columns": [],
    }
    assert state["summary"].startswith("已导入：共 2 行：新增 2 条")
    rows = (
        _written()
        .order_by("start_date")
        .values_list("officer__staff_no", "course", "start_date", "end_date", "days", "mode")
    )
    assert list(rows) == [
        ("S5101", "海关法规", dt.date(2009, 9, 1), dt.date(2009, 9, 3), Decimal("3.0"), "full_time"),
        ("S5102", "廉政教育", dt.date(2009, 10, 12), dt.date(2009, 10, 12), Decimal("1.0"), "online"),
    ]
    assert list(ImportLog.objects.values_list("user__username", "dry_run", "created")) == [("hr", False, 2)]
    assert not JobChunk.objects.filter(job=job).exists()


@override_settings(JOBS=ONE_ROW)
def test_a_dry_run_job_writes_nothing_and_names_the_bad_row_and_column(service, api_as, run_jobs, committing):
    client = api_as("hr")
    with override_settings(JOBS=settings.JOBS | {"import_rows_threshold": 20000}):
        in_request = _post(client, HEADER + LAW + BAD, "?dry_run=1")
    assert in_request.status_code == 400
    with committing():
        answer = _post(client, HEADER + LAW + BAD, "?dry_run=1")
    assert answer.status_code == 202
    run_jobs()
    state = client.get(answer.json()["status_url"]).json()
    assert (state["status"], state["finished"], state["download"]) == ("failed", True, None)
    # The problems the request would answer, with how many there are.
    assert state["result"] == {"problems": in_request.json()["problems"], "problems_total": 1}
    assert [(p["row"], p["column"]) for p in state["result"]["problems"]] == [(3, "days")]
    error = state["error"].splitlines()
    assert error[0] == "未导入任何数据。文件存在以下问题："
    assert error[1].startswith("row 3, column days: ") and len(error) == 2
    assert not _written().exists()
    assert Job.objects.get(pk=state["id"]).kind == "import_preview"
    assert list(ImportLog.objects.values_list("dry_run", "succeeded", "error_count")) == [
        (True, False, 1),
        (True, False, 1),
    ]


@override_settings(JOBS=ONE_ROW)
def test_a_dry_run_job_answers_what_the_request_would_and_writes_nothing(service, api_as, run_jobs, committing):
    client = api_as("hr")
    with override_settings(JOBS=settings.JOBS | {"import_rows_threshold": 20000}):
        in_request = _post(client, HEADER + LAW + ETHICS, "?dry_run=1")
    assert in_request.status_code == 200
    with committing():
        answer = _post(client, HEADER + LAW + ETHICS, "?dry_run=1")
    run_jobs()
    state = client.get(answer.json()["status_url"]).json()
    assert (state["status"], state["done"], state["total"]) == ("succeeded", 2, 2)
    assert (
        state["result"]
        == in_request.json()
        == {
            "kind": "training",
            "dry_run": True,
            "rows": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "ignored_columns": [],
        }
    )
    assert state["summary"] == "已校验，尚未写入：共 2 行：新增 2 条，更新 0 条，未变 0 条。"
    assert not _written().exists()


@override_settings(JOBS=ONE_ROW)
def test_a_workbook_is_measured_by_its_sheet_and_checked_by_a_job(service, api_as, run_jobs, committing):
    book = openpyxl.Workbook()
    for line in (HEADER + LAW + ETHICS).splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("training.xlsx", out.getvalue())
    with committing():
        answer = api_as("hr").post("/api/imports/training/?dry_run=1", {"file": upload}, format="multipart")
    assert answer.status_code == 202
    assert Job.objects.get(pk=answer.json()["job"]).total == 2
    run_jobs()
    state = api_as("hr").get(answer.json()["status_url"]).json()
    assert (state["status"], state["result"]["rows"], state["result"]["created"]) == ("succeeded", 2, 2)


@pytest.mark.parametrize("lines, answered", [(LAW + ETHICS, 201), (LAW + ETHICS + BAD.replace("5,", "2,"), 202)])
def test_only_a_file_past_the_threshold_goes_to_a_job(service, api_as, committing, lines, answered):
    with override_settings(JOBS=settings.JOBS | {"import_rows_threshold": 2}), committing():
        answer = _post(api_as("hr"), HEADER + lines)
    assert answer.status_code == answered
    assert Job.objects.filter(kind__startswith="import").exists() is (answered == 202)
    if answered == 201:  # today's answer, unchanged
        assert answer.json() == {
            "kind": "training",
            "dry_run": False,
            "rows": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "ignored_columns": [],
        }


@override_settings(JOBS=ONE_ROW)
def test_a_job_is_its_owners_and_the_superusers_only(service, api_as, committing):
    with committing():
        answer = _post(api_as("hr"), HEADER + LAW + ETHICS)
    url = answer.json()["status_url"]
    path = url.removeprefix("http://testserver")
    assert api_as("admin").get(path).status_code == 200
    missing = api_as("auditor").get("/api/jobs/00000000-0000-0000-0000-000000000000/")
    not_an_id = api_as("auditor").get("/api/jobs/42/")
    for persona in ("auditor", "supervisor", "leader", "officer"):
        other = api_as(persona).get(path)
        assert (other.status_code, other.content) == (404, missing.content), persona
    assert (missing.status_code, not_an_id.status_code, not_an_id.content) == (404, 404, missing.content)
    # Listed for the owner and the superuser alone.
    assert answer.json()["job"] in [j["id"] for j in api_as("hr").get("/api/jobs/").json()["results"]]
    assert answer.json()["job"] in [j["id"] for j in api_as("admin").get("/api/jobs/").json()["results"]]
    assert answer.json()["job"] not in api_as("auditor").get("/api/jobs/").content.decode()


@override_settings(JOBS=ONE_ROW)
def test_a_read_only_token_reads_its_jobs_but_starts_no_import(service, api_as, committing):
    hr = service.users["hr"]
    with committing():
        answer = _post(api_as("hr"), HEADER + LAW + ETHICS)
    reader = token_client(hr, read_only=True)
    assert reader.get(answer.json()["status_url"]).json()["status"] == "queued"
    refused = _post(reader, HEADER + LAW + ETHICS, "?dry_run=1")
    assert refused.status_code == 403
    assert Job.objects.filter(owner=hr, kind__startswith="import").count() == 1


@override_settings(JOBS=ONE_ROW)
def test_the_job_rechecks_the_grant_when_it_runs_and_says_why_it_stopped(service, api_as, run_jobs, committing):
    client = api_as("hr")
    with committing():
        answer = _post(client, HEADER + LAW + ETHICS)
    UnitUserObjectPermission.objects.filter(user=service.users["hr"]).delete()
    run_jobs()
    state = client.get(answer.json()["status_url"]).json()
    assert (state["status"], state["result"]) == ("failed", None)
    assert state["error"] == "您已无权导入教育培训记录，任务已停止。"
    assert not _written().exists()
    assert not ImportLog.objects.exists()
    assert not JobChunk.objects.exists()


def test_a_job_with_a_result_file_links_its_download(service, api_as):
    hr = service.users["hr"]
    job = Job.objects.create(owner=hr, kind="unit_reports", title="报表", total=1)
    size = store_bytes(job, JobChunk.Slot.RESULT, b"PK-result-bytes")
    job_succeed(job, summary="1", result_name="报表.zip", result_type="application/zip", result_bytes=size)
    state = api_as("hr").get(f"/api/jobs/{job.pk}/").json()
    assert (state["download"], state["result"]) == (f"http://testserver/api/jobs/{job.pk}/download/", None)
    got = api_as("hr").get(f"/api/jobs/{job.pk}/download/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"PK-result-bytes"
    assert got["Content-Type"] == "application/zip" and got["Content-Length"] == "15"
    assert got["Content-Disposition"] == "attachment; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.zip"
    assert api_as("auditor").get(f"/api/jobs/{job.pk}/download/").status_code == 404
    # A job without a file has no download.
    plain = service.samples[Job]["out"]  # HR's own job of the service, no file
    assert api_as("hr").get(f"/api/jobs/{plain}/").json()["download"] is None
    assert api_as("hr").get(f"/api/jobs/{plain}/download/").status_code == 404
