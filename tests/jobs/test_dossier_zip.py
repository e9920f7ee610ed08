"""The batch dossier zip as a background job: a leader starts the national
zip, watches its progress, downloads it; nobody else sees the job."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from jobs.models import Job, JobChunk
from org.models import UnitUserObjectPermission
from tests.factories import OfficerFactory

YEAR = 2009


@pytest.fixture
def leaders(tree):
    made = [
        OfficerFactory(staff_no="L0001", name="张伟", unit=tree["5100"], is_leader=True),
        OfficerFactory(staff_no="L0002", name="李娜", unit=tree["5101"], is_leader=True),
        OfficerFactory(staff_no="L0003", name="王强", unit=tree["5200"], is_leader=True),
        OfficerFactory(staff_no="L0004", name="赵敏", unit=tree["0200"], is_leader=True),
    ]
    OfficerFactory(staff_no="L0005", name="钱多", unit=tree["5100"], is_leader=True, leave_date=dt.date(2008, 6, 30))
    OfficerFactory(staff_no="N0001", name="孙丽", unit=tree["5100"], is_leader=False)
    return made


@override_settings(JOBS={"result_days": 7, "import_rows_threshold": 10, "dossier_part_size": 3, "chunk_bytes": 4096})
def test_it_lets_a_leader_start_the_national_zip_watch_it_and_download_it(
    leaders, dora, charlie, client, run_jobs, committing
):
    client.force_login(dora)
    page = client.get(f"/reports/units/0000/appraisals.zip?year={YEAR}")
    assert page.status_code == 200
    with committing():
        response = client.post(f"/reports/units/0000/appraisals.zip?year={YEAR}")
    assert response.status_code == 302 and response["Location"] == "/jobs/"
    job = Job.objects.get()
    assert (job.owner, job.kind, job.params) == (dora, "dossier_zip", {"unit": "0000", "year": YEAR})
    listing = client.get("/jobs/")
    assert job.title in listing.content.decode()
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["status"], status["finished"], status["download"]) == ("queued", False, "")

    # One task: the plan, which splits 4 dossiers into parts of 3 and 1.
    run_jobs(max_tasks=1)
    job.refresh_from_db()
    assert (job.parts, job.total, job.done, job.status) == (2, 4, 0, "running")
    assert DBTaskResult.objects.ready().count() == 2
    # The first part: 3 of 4 rendered, stored as pieces, no result yet.
    run_jobs(max_tasks=1)
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["done"], status["total"], status["percent"], status["finished"]) == (3, 4, 75, False)
    assert JobChunk.objects.filter(job=job, slot="piece").count() == 3
    # The last part zips everything.
    run_jobs()
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["status"], status["done"], status["total"], status["finished"]) == ("succeeded", 4, 4, True)
    assert status["download"] == f"/jobs/{job.pk}/download/"
    assert not JobChunk.objects.filter(job=job, slot="piece").exists()
    # The result is stored in chunks of 4096 bytes, never a file on disk.
    assert JobChunk.objects.filter(job=job, slot="result").count() > 1

    download = client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    content = b"".join(download.streaming_content)
    assert int(download["Content-Length"]) == len(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["L0004_赵敏.pdf", "L0001_张伟.pdf", "L0002_李娜.pdf", "L0003_王强.pdf"]
        assert archive.testzip() is None
    # The owner is told in the inbox.
    assert dora.notifications.get().title.endswith(job.title)

    # Nobody else sees the job: 404, the same as a job that does not exist.
    client.force_login(charlie)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/", f"/jobs/{job.pk}/download/"):
        assert client.get(url).status_code == 404
    assert job.title not in client.get("/jobs/").content.decode()


def test_it_rechecks_the_owners_access_when_the_job_runs(leaders, dora, client, run_jobs, committing):
    client.force_login(dora)
    with committing():
        client.post(f"/reports/units/5100/appraisals.zip?year={YEAR}")
    UnitUserObjectPermission.objects.filter(user=dora).delete()
    run_jobs()
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.error == "您已无权访问单位 5100，任务已停止。"
    assert not job.chunks.exists()
    page = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert job.error in page.content.decode()


def test_it_zips_only_the_units_leaders_the_owner_sees(leaders, alice, client, run_jobs, committing):
    client.force_login(alice)
    assert client.get(f"/reports/units/0000/appraisals.zip?year={YEAR}").status_code == 404
    with committing():
        assert client.post(f"/reports/units/5100/appraisals.zip?year={YEAR}").status_code == 302
    run_jobs()
    job = Job.objects.get()
    with zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content))) as archive:
        assert archive.namelist() == ["L0001_张伟.pdf", "L0002_李娜.pdf"]


def test_it_zips_the_reports_of_the_unit_and_its_units_for_their_reader(
    tree, alice, charlie, client, run_jobs, committing
):
    client.force_login(charlie)  # HR at Tianjin: not Guangzhou's reports
    assert client.get(f"/reports/units/5100/reports.zip?year={YEAR}").status_code == 404
    assert client.post(f"/reports/units/5100/reports.zip?year={YEAR}").status_code == 404
    client.force_login(alice)
    page = client.get(f"/reports/units/5100/reports.zip?year={YEAR}")
    assert page.status_code == 200 and "开始生成" in page.content.decode()
    with committing():
        assert client.post(f"/reports/units/5100/reports.zip?year={YEAR}").status_code == 302
    run_jobs()
    job = Job.objects.get()
    assert (job.status, job.done, job.total) == ("succeeded", 3, 3)
    content = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == [
            f"5100_广州海关_{YEAR}.pdf",
            f"5101_黄埔海关_{YEAR}.pdf",
            f"5102_黄埔海关查验科_{YEAR}.pdf",
        ]
