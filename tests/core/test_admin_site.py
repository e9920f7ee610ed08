"""The admin's sidebar of record kinds, kept per set of permissions
(core/admin_site.py): the same as Django renders it, for each user the kinds
their grants open, marked on the page it is on, and changed by a new grant
on the next page."""

import re

import pytest
from django.contrib import admin
from django.template.loader import render_to_string

from accounts.services import grant_create
from core.admin_site import AdminSite
from org.roles import Role

pytestmark = pytest.mark.django_db

SIDEBAR = re.compile(r'<nav class="sticky" id="nav-sidebar".*?</nav>', re.S)
OFFICERS, POSTINGS, CASES = "/admin/personnel/officer/", "/admin/personnel/posting/", "/admin/integrity/case/"


def _sidebar(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response, SIDEBAR.search(response.content.decode()).group(0)


def _current(sidebar) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', sidebar)


def test_it_renders_the_sidebar_as_django_does_from_the_list_and_again_from_what_it_kept(client, alice):
    response, first = _sidebar(client, alice, OFFICERS)
    stock = render_to_string(
        "admin/nav_sidebar.html",
        {"available_apps": response.context["available_apps"], "request": response.wsgi_request},
    )
    assert first == SIDEBAR.search(stock).group(0)
    assert _sidebar(client, alice, OFFICERS)[1] == first


def test_it_lists_the_kinds_each_users_grants_open(client, alice, bob):
    hr, supervision = _sidebar(client, alice, OFFICERS)[1], _sidebar(client, bob, OFFICERS)[1]
    assert (f'href="{OFFICERS}"' in hr, f'href="{CASES}"' in hr) == (True, False)
    assert (f'href="{OFFICERS}"' in supervision, f'href="{CASES}"' in supervision) == (True, True)


def test_it_marks_the_list_the_page_is_on(client, alice):
    assert _current(_sidebar(client, alice, OFFICERS)[1]) == [OFFICERS]
    assert _current(_sidebar(client, alice, POSTINGS)[1]) == [POSTINGS]
    assert _current(_sidebar(client, alice, "/admin/password_change/")[1]) == []


def test_it_shows_a_new_grant_on_the_next_page(client, charlie, tree):
    assert f'href="{CASES}"' not in _sidebar(client, charlie, OFFICERS)[1]
    grant_create(user=charlie, role=Role.SUPERVISION, unit=tree["9200"])
    assert f'href="{CASES}"' in _sidebar(client, charlie, OFFICERS)[1]


def test_it_is_the_sites_sidebar(client, alice):
    """The project's site serves every admin page."""
    assert isinstance(admin.site, AdminSite)
    _sidebar(client, alice, OFFICERS)
    assert admin.site._sidebars
