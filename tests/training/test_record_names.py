"""A record is named in words wherever it is named (the admin's success
message, its history, a deletion page), never by a database id; the
record lists show the newest first."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import OfficerFactory, UserFactory
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db


def test_it_names_a_training_record_by_officer_date_and_course(tree):
    zhang = OfficerFactory(name="张三", unit=tree["5101"])
    record = TrainingRecord.objects.create(
        officer=zhang,
        course="海关业务培训",
        start_date=dt.date(2025, 8, 4),
        end_date=dt.date(2025, 8, 8),
        days=5,
        mode=TrainingRecord.Mode.FULL_TIME,
    )
    assert str(record) == "张三 2025-08-04 海关业务培训"
    assert str(zhang.pk) not in str(record).split()


def test_it_says_which_record_was_added_in_words(client, tree):
    zhang = OfficerFactory(name="张三", unit=tree["5101"])
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:training_trainingrecord_add"),
        {
            "officer": zhang.pk,
            "course": "海关业务培训",
            "start_date": "2025-08-04",
            "end_date": "2025-08-08",
            "days": "5",
            "mode": TrainingRecord.Mode.FULL_TIME,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "张三 2025-08-04 海关业务培训" in message
    assert f"“{TrainingRecord.objects.get().pk}" not in message


def test_it_lists_training_records_newest_first(client, tree):
    zhang = OfficerFactory(name="张三", unit=tree["5101"])
    for year in (2007, 2009, 2008):
        TrainingRecord.objects.create(
            officer=zhang,
            course=f"课程{year}",
            start_date=dt.date(year, 3, 1),
            end_date=dt.date(year, 3, 2),
            days=2,
            mode=TrainingRecord.Mode.FULL_TIME,
        )
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:training_trainingrecord_changelist"))
    assert [r.course for r in response.context["cl"].result_list] == ["课程2009", "课程2008", "课程2007"]
