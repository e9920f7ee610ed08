"""A file above the row threshold is previewed, then written, by jobs; the
upload waits in the database, the owner's grants decide at run time."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from core.models import ImportLog
from jobs.models import Job, JobChunk
from org.models import UnitUserObjectPermission
from personnel.models import Officer
from tests.personnel.import_support import csv_bytes, english, headers_of, valid_rows  # noqa: F401

IMPORT = reverse("admin:personnel_officer_import")
SMALL = {"result_days": 7, "import_rows_threshold": 1, "dossier_part_size": 50, "chunk_bytes": 64}


def _upload(client, data):
    return client.post(IMPORT, {"import_file": SimpleUploadedFile("关员.csv", data), "format": "0", "resource": "0"})


@override_settings(JOBS=SMALL)
def test_it_previews_and_writes_a_large_file_in_jobs(client, alice, officers, run_jobs, committing):
    client.force_login(alice)
    data = csv_bytes(headers_of("officers"), valid_rows("officers", officers), bom=True)
    with committing():
        response = _upload(client, data)
    preview = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{preview.pk}/"
    assert (preview.kind, preview.owner, preview.total) == ("import_preview", alice, 2)
    # The upload is kept in the database in chunks of 64 bytes.
    assert b"".join(bytes(c.data) for c in preview.chunks.order_by("seq")) == data
    assert preview.chunks.count() > 1
    run_jobs()
    preview.refresh_from_db()
    # Written by the worker, in the site's language.
    assert preview.status == "succeeded" and "共 2 行：新增 2 条" in preview.summary
    assert not Officer.objects.filter(staff_no__startswith="T").exists()
    page = client.get(f"/jobs/{preview.pk}/")
    confirm = f"/imports/{preview.pk}/confirm/"
    assert confirm in page.text

    with committing():
        response = client.post(confirm)
    write = Job.objects.get(kind="import_write")
    assert response.url == f"/jobs/{write.pk}/"
    assert not preview.chunks.exists()  # the upload moved to the write job
    run_jobs()
    write.refresh_from_db()
    assert write.status == "succeeded" and write.summary.startswith("已导入：共 2 行：新增 2 条")
    assert set(Officer.objects.filter(staff_no__startswith="T").values_list("staff_no", flat=True)) == {
        "T0001",
        "T0002",
    }
    assert not JobChunk.objects.exists()
    assert list(ImportLog.objects.order_by("pk").values_list("user__username", "dry_run", "created")) == [
        ("alice", True, 2),
        ("alice", False, 2),
    ]
    # Confirmed once only; a second confirm or another user's answers 404.
    assert client.post(confirm).status_code == 404


@override_settings(JOBS=SMALL)
def test_it_says_why_a_large_file_was_refused(client, alice, charlie, officers, run_jobs, committing):
    client.force_login(alice)
    rows = valid_rows("officers", officers)
    rows[0]["unit_code"] = "0200"
    with committing():
        _upload(client, csv_bytes(headers_of("officers"), rows))
    run_jobs()
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.error.startswith("未导入任何数据。文件存在以下问题：\n")
    assert "0200" in job.error.splitlines()[1]
    assert not job.chunks.exists()
    client.force_login(charlie)
    assert client.post(f"/imports/{job.pk}/confirm/").status_code == 404


@override_settings(JOBS=SMALL)
def test_it_rechecks_the_import_grant_when_the_job_runs(client, alice, officers, run_jobs, committing):
    client.force_login(alice)
    with committing():
        _upload(client, csv_bytes(headers_of("officers"), valid_rows("officers", officers)))
    UnitUserObjectPermission.objects.filter(user=alice).delete()
    run_jobs()
    job = Job.objects.get()
    assert job.status == "failed" and job.error == "您已无权导入关员，任务已停止。"


@pytest.mark.parametrize("rows, large", [(1, False), (2, True)])
def test_it_sends_only_files_above_the_threshold_to_a_job(client, alice, officers, committing, rows, large):
    client.force_login(alice)
    data = csv_bytes(headers_of("officers"), valid_rows("officers", officers)[:rows])
    with override_settings(JOBS=SMALL), committing():
        response = _upload(client, data)
    assert Job.objects.exists() is large
    assert response.status_code == (302 if large else 200)
