"""Every place that names an officer links to the officer's file, and the
landing page of a plain officer leads to their own records."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_links_drill_down_rows_to_the_officers_file(client, alice, career):
    client.force_login(alice)
    url = reverse("dashboard:drill_down", args=["training_days_12"]) + "?unit=5100&year=2009"
    page = client.get(url).content.decode()
    assert f'href="{reverse("people:officer_file", args=["S5101W"])}?year=2009"' in page


def test_it_links_the_admin_lists_to_the_officers_file(client, alice, bob, career):
    target = f'href="{reverse("people:officer_file", args=["S5101W"])}"'
    client.force_login(alice)
    for name in ("personnel_officer", "personnel_posting", "training_trainingrecord", "personnel_leaderappraisal"):
        assert target in client.get(reverse(f"admin:{name}_changelist")).content.decode(), name
    client.force_login(bob)
    for name in ("integrity_complaint", "integrity_integrityappraisal"):
        assert target in client.get(reverse(f"admin:{name}_changelist")).content.decode(), name
    case_page = client.get(reverse("admin:integrity_case_change", args=[career["case"].pk])).content.decode()
    assert target in case_page


def test_it_links_the_alert_to_the_officers_file(client, bob, career):
    client.force_login(bob)
    page = client.get(reverse("integrity:alert_detail", args=[career["alert"].pk])).content.decode()
    assert f'href="{reverse("people:officer_file", args=["S5101W"])}"' in page


def test_it_leads_a_plain_officer_from_the_landing_page_to_their_records(client, career):
    client.force_login(career["officer"].user)
    page = client.get(reverse("dashboard:dashboard")).content.decode()
    assert f'href="{reverse("people:my_records")}"' in page


def test_it_leads_an_account_without_staff_rights_there_too(client, tree):
    user = UserFactory(username="plain", is_staff=False)
    client.force_login(user)
    page = client.get(reverse("dashboard:dashboard")).content.decode()
    assert f'href="{reverse("people:my_records")}"' in page
