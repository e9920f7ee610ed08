"""Record lists count at most CAP + 1 rows (core/admin_base.py)."""

import pytest
from django.contrib.auth import get_user_model

from core.admin_base import CappedCountPaginator
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
