"""Record lists over millions of rows (core/admin_base.py): a count that
stops at CAP + 1, a staff-number search by the index."""

import pytest
from django.contrib.auth import get_user_model

from core.admin_base import CappedCountPaginator
from personnel.models import Officer
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

LIST = "/admin/training/trainingrecord/"


@pytest.fixture
def demo(small_demo, db):
    return small_demo


def test_it_says_more_than_the_cap_without_counting_every_row(demo, client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 120)
    assert TrainingRecord.objects.count() > 121
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get(LIST)
    assert response.status_code == 200
    cl = response.context["cl"]
    assert (cl.result_count, cl.result_count_capped, cl.paginator.num_pages) == (121, True, 3)
    assert "超过 120 条" in response.content.decode()
    assert "?p=3" in response.content.decode() and "?p=4" not in response.content.decode()


def test_it_counts_exactly_below_the_cap(demo, client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 1000)
    officer = TrainingRecord.objects.order_by("pk").first().officer
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get(LIST, {"q": officer.name})
    cl = response.context["cl"]
    found = cl.queryset.count()
    assert 0 < found <= 1000 < TrainingRecord.objects.count()
    assert (cl.result_count, cl.result_count_capped) == (found, False)
    assert "超过" not in response.content.decode()


def test_it_finds_a_staff_numbers_records_by_the_index_and_only_inside_the_grants(demo, client):
    officer = Officer.objects.filter(unit__code__startswith="51").order_by("pk").first()
    theirs = set(TrainingRecord.objects.filter(officer=officer).values_list("pk", flat=True))
    assert theirs
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get(LIST, {"q": officer.staff_no})
    assert {row.pk for row in response.context["cl"].queryset} == theirs
    # An officer outside the auditor's grants (深圳, 5300): found by nobody's
    # staff number there, exactly as a number that does not exist.
    client.force_login(get_user_model().objects.get(username="auditor"))
    for term in (officer.staff_no, "NO-SUCH-NUMBER"):
        response = client.get("/admin/personnel/officer/", {"q": term})
        assert response.status_code == 200
        assert list(response.context["cl"].queryset) == []
    # A part of a staff number still searches as before.
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get(LIST, {"q": officer.staff_no[:-1]})
    assert theirs <= {row.pk for row in response.context["cl"].queryset}
