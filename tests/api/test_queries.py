"""A page of any endpoint costs a fixed number of queries, whatever its size."""

import datetime as dt

import pytest
from django.db import connection

from integrity.models import Case
from jobs.models import Job
from tests.integrity.factories import case_naming
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db


def _more_training(service, n):
    for i in range(n):
        TrainingRecord.objects.create(
            officer=service.officer["5101"],
            course=f"课程{i}",
            start_date=dt.date(2009, 4, 1 + i),
            end_date=dt.date(2009, 4, 1 + i),
            days=1,
            mode=TrainingRecord.Mode.ONLINE,
        )


def _more_cases(service, n):
    for i in range(n):
        case_naming(service.officer["5101"], service.officer["5102"], case_no=f"AJ-MORE-{i}")


# Token lookup; its "used" stamp and event (savepoint, update, insert,
# release); the page's count and rows in a savepoint (four). The content
# types of the shared-record check are cached after the first request.
TRAINING_QUERIES = 9


# The same, and the access log (integrity/access_chain.py): the page's case
# ids, then the chain's end read and its row written, in a savepoint; on
# PostgreSQL the writer first locks the log's table (one query more).
def case_queries() -> int:
    return 14 + (connection.vendor == "postgresql")


@pytest.mark.parametrize("size", [2, 6])
def test_a_page_of_training_costs_the_same_queries_at_any_size(service, api_as, django_assert_num_queries, size):
    _more_training(service, 8)
    client = api_as("hr")
    client.get("/api/training/")
    with django_assert_num_queries(TRAINING_QUERIES):
        answer = client.get(f"/api/training/?page_size={size}")
    assert len(answer.json()["results"]) == size


@pytest.mark.parametrize("size", [2, 6])
def test_a_page_of_cases_costs_the_same_queries_at_any_size(service, api_as, django_assert_num_queries, size):
    _more_cases(service, 5)
    client = api_as("supervisor")
    client.get("/api/cases/")
    with django_assert_num_queries(case_queries()):
        answer = client.get(f"/api/cases/?page_size={size}")
    rows = answer.json()["results"]
    assert len(rows) == size
    assert {row["case_no"] for row in rows} <= set(Case.objects.values_list("case_no", flat=True))


# Token lookup; its "used" stamp and event (savepoint, update, insert,
# release); the jobs' count and the page's rows. A job's status: the token's
# five, then the job.
JOB_LIST_QUERIES = 7
JOB_STATUS_QUERIES = 6


@pytest.mark.parametrize("size", [2, 6])
def test_a_page_of_jobs_and_a_jobs_status_cost_fixed_queries(service, api_as, django_assert_num_queries, size):
    hr = service.users["hr"]
    jobs = [Job.objects.create(owner=hr, kind="unit_reports", title=f"任务{i}") for i in range(8)]
    client = api_as("hr")
    client.get("/api/jobs/")
    with django_assert_num_queries(JOB_LIST_QUERIES):
        answer = client.get(f"/api/jobs/?page_size={size}")
    assert len(answer.json()["results"]) == size
    with django_assert_num_queries(JOB_STATUS_QUERIES):
        assert client.get(f"/api/jobs/{jobs[0].pk}/").json()["title"] == "任务0"
