"""Addresses of named pages, kept per URLconf (core/addresses.py), and the
navigation bar's entries that use them (core/navigation.py)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path, reverse

from core import navigation
from core.addresses import address
from core.navigation import NavEntry, register, visible_entries
from tests.factories import UserFactory

# A URLconf of its own, where the dashboard's name is not defined and
# another page lives at another address.
urlpatterns = [path("elsewhere/", lambda request: HttpResponse(), name="elsewhere")]


def test_it_answers_the_address_of_a_named_page_and_none_for_an_unknown_name():
    assert address("dashboard:dashboard") == reverse("dashboard:dashboard") == "/"
    assert address("accounts:two_factor_verify") == reverse("accounts:two_factor_verify")
    assert address("nosuch:page") is None


def test_a_swapped_urlconf_gets_its_own_addresses():
    assert address("elsewhere") is None
    with override_settings(ROOT_URLCONF=__name__):
        assert address("elsewhere") == "/elsewhere/"
        assert address("dashboard:dashboard") is None
    assert address("elsewhere") is None
    assert address("dashboard:dashboard") == "/"


@pytest.fixture
def entries(monkeypatch):
    """The registry as the apps left it, restored after the test."""
    monkeypatch.setattr(navigation, "_ENTRIES", dict(navigation._ENTRIES))


@pytest.mark.django_db
def test_the_bar_shows_a_registered_entry_at_its_address_and_leaves_out_one_of_an_absent_app(entries):
    register(NavEntry(key="jobs-again", label="again", url_name="jobs:list", allowed=lambda access: True, order=99))
    register(NavEntry(key="absent", label="absent", url_name="nosuch:page", allowed=lambda access: True, order=99))
    register(NavEntry(key="refused", label="refused", url_name="jobs:list", allowed=lambda access: False, order=99))
    request = RequestFactory().get("/jobs/")
    request.user = UserFactory()
    shown = {entry["key"]: entry for entry in visible_entries(request)}
    assert shown["jobs-again"]["url"] == "/jobs/" and shown["jobs-again"]["current"] is True
    assert "absent" not in shown and "refused" not in shown
