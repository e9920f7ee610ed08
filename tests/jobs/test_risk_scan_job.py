"""The risk scan as a job: a superuser starts it; nobody else may."""

from __future__ import annotations

from jobs.models import Job
from tests.factories import UserFactory


def test_it_runs_the_risk_scan_for_a_superuser_only(tree, bob, client, run_jobs, committing):
    client.force_login(bob)
    assert client.get("/integrity/scan/").status_code == 404
    assert client.post("/integrity/scan/").status_code == 404
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/integrity/scan/").status_code == 200
    with committing():
        assert client.post("/integrity/scan/").status_code == 302
    run_jobs()
    job = Job.objects.get()
    assert (job.kind, job.owner, job.status) == ("risk_scan", admin, "succeeded")
    # Written by the worker, in the site's language.
    assert job.summary.startswith(f"{job.params['as_of']} 扫描：新增 0 条")
    # The scan's job is the superuser's: bob does not see it.
    client.force_login(bob)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
