"""My jobs, the inbox and the reminder settings: in Chinese, each user's own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jobs.models import Job, JobChunk, Notification, ReminderPreference


def _notify(user, key, title):
    return Notification.objects.create(recipient=user, kind="alerts_new", key=key, title=title)


def test_it_shows_the_inbox_with_its_count_in_the_navigation_bar_in_chinese(client, alice, charlie):
    _notify(alice, "a", "甲消息")
    _notify(alice, "b", "乙消息")
    _notify(charlie, "c", "丙消息")
    Notification.objects.create(recipient=alice, kind="alerts_new", key="d", title="仅邮件", shown=False)
    client.force_login(alice)
    page = client.get("/inbox/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "消息" in text and "全部标为已读" in text
    assert "甲消息" in text and "乙消息" in text and "丙消息" not in text and "仅邮件" not in text
    assert "(2)" in client.get("/jobs/").content.decode()  # the navigation bar's count
    # Marking another user's message read does nothing to it.
    other = Notification.objects.get(key="c")
    client.post("/inbox/read/", {"id": [str(other.pk)]})
    other.refresh_from_db()
    assert other.read_at is None
    client.post("/inbox/read/", {"id": [str(Notification.objects.get(key="a").pk)]})
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 2  # b, and the e-mail-only d
    assert "(1)" in client.get("/jobs/").content.decode()  # b: d is not shown in the inbox
    client.post("/inbox/read/")
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 0
    assert "(0)" not in client.get("/inbox/").content.decode()


def test_it_saves_each_users_own_reminder_choices(client, alice):
    client.force_login(alice)
    page = client.get("/inbox/preferences/")
    assert page.status_code == 200 and "提醒设置" in page.content.decode()
    assert "整改期限临近或已过（红黄绿灯）" in page.content.decode()
    client.post("/inbox/preferences/", {"alerts_new:email": "on", "job_finished:inbox": "on"})
    saved = {p.kind: (p.inbox, p.email) for p in ReminderPreference.objects.filter(user=alice)}
    assert saved["alerts_new"] == (False, True)
    assert saved["job_finished"] == (True, False)
    assert saved["rectification_deadline"] == (False, False)


def test_it_lists_searches_sorts_and_pages_my_jobs(client, alice, charlie):
    for n in range(23):
        Job.objects.create(owner=alice, kind="dossier_zip", title=f"任务{n:02d}", scope="5100")
    Job.objects.create(owner=charlie, kind="dossier_zip", title="别人的任务", scope="0200")
    Job.objects.create(
        owner=alice, kind="dossier_zip", title="过期任务", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    client.force_login(alice)
    first = client.get("/jobs/", {"sort": "title"})
    titles = [job.title for job, _state in first.context["jobs"]]
    assert titles == [f"任务{n:02d}" for n in range(20)]
    assert "我的任务" in first.content.decode() and "1 / 2" in first.content.decode()
    second = client.get("/jobs/", {"sort": "title", "page": "2"})
    assert [job.title for job, _state in second.context["jobs"]] == ["任务20", "任务21", "任务22"]
    found = client.get("/jobs/", {"q": "任务07", "sort": "nosuch", "page": "abc"})
    assert [job.title for job, _state in found.context["jobs"]] == ["任务07"]
    assert client.get("/jobs/", {"q": "别人"}).context["jobs"] == []
    expired = Job.objects.get(title="过期任务")
    assert client.get(f"/jobs/{expired.pk}/").status_code == 404


def test_it_deletes_jobs_and_their_files_once_their_results_expire(alice, settings):
    from jobs.files import store_bytes
    from jobs.services import job_succeed, jobs_prune

    settings.JOBS = {**settings.JOBS, "result_days": 7}
    job = Job.objects.create(owner=alice, kind="dossier_zip", title="t")
    store_bytes(job, "result", b"zip")
    job_succeed(job, result_name="a.zip", result_type="application/zip", result_bytes=3)
    job.refresh_from_db()
    assert job.expires_at - job.finished_at == dt.timedelta(days=7)
    assert jobs_prune(now=job.finished_at + dt.timedelta(days=7) - dt.timedelta(seconds=1)) == 0
    assert jobs_prune(now=job.finished_at + dt.timedelta(days=7)) == 1
    assert not Job.objects.exists() and not JobChunk.objects.exists()
