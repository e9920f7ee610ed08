"""The per-request Access object: grants read once, scopes built once, and
the questions a page asks before it shows a link."""

from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

import org.access
import org.scoping
from accounts import services as grant_services
from accounts.services import grant_create
from org.access import Access
from org.models import Unit, UnitGroupObjectPermission
from org.roles import ALL_ROLES, Role
from personnel.models import Officer, Posting
from tests.factories import PostingFactory, UserFactory

pytestmark = pytest.mark.django_db


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


def test_it_reads_the_roles_held_directly_and_through_groups_in_one_query(tree):
    user = UserFactory()
    grant_create(user=user, role=Role.HR, unit=tree["5100"])
    group = Group.objects.create(name="auditors")
    user.groups.add(group)
    UnitGroupObjectPermission.objects.create(
        group=group, permission=grant_services._role_permission(Role.AUDIT), content_object=tree["0200"]
    )
    access = Access(user)
    assert queries(lambda: access.roles) == (frozenset({Role.HR, Role.AUDIT}), 1)
    assert queries(lambda: (access.has_grant(Role.AUDIT), access.has_grant(Role.SUPERVISION))) == ((True, False), 0)


def test_it_counts_a_kind_shared_only_for_a_view_permission_on_one_of_its_records(tree, officers):
    user = UserFactory()
    other = UserFactory()
    posting = PostingFactory(officer=officers["5100"])
    assign_perm("personnel.view_officer", user, officers["0200"])
    assign_perm("personnel.change_posting", user, posting)  # a change permission shares nothing to read
    assign_perm("personnel.view_posting", other, posting)  # another user's share
    access = Access(user)
    assert queries(lambda: access.shared_kinds) == (frozenset({ContentType.objects.get_for_model(Officer).pk}), 1)
    assert (access.shares(Officer), access.shares(Posting)) == (True, False)
    assert Access(UserFactory()).shared_kinds == frozenset()
    assert Access(UserFactory(is_active=False)).shared_kinds == frozenset()


def test_it_answers_which_roles_cover_many_units_in_one_query(tree):
    user = UserFactory()
    grant_create(user=user, role=Role.HR, unit=tree["5100"])
    grant_create(user=user, role=Role.LEADERSHIP, unit=tree["5200"])
    access = Access(user)
    access.roles  # noqa: B018 (read outside the measurement)
    covering, count = queries(lambda: access.coverage(Unit.objects.all()))
    assert count == 1
    assert {Unit.objects.get(pk=pk).code: roles for pk, roles in covering.items() if roles} == {
        "5100": {Role.HR},
        "5101": {Role.HR},
        "5102": {Role.HR},
        "5200": {Role.LEADERSHIP},
        "5201": {Role.LEADERSHIP},
    }
    answers, count = queries(
        lambda: [
            access.covers(tree["5101"], Role.HR),
            access.covers(tree["5101"], Role.LEADERSHIP),
            access.covers(tree["5201"], [Role.HR, Role.LEADERSHIP]),
            access.covers(tree["0200"]),
        ]
    )
    assert (answers, count) == ([True, False, True, False], 0)


def test_it_keeps_each_scope_a_subquery_built_once(tree, alice):
    access = Access(alice)
    scope = access.units(Role.HR)
    assert access.units([Role.HR]) is scope
    # Still a subquery: using it in a filter is one query, not a list of ids.
    codes, count = queries(lambda: set(Unit.objects.filter(pk__in=scope).values_list("code", flat=True)))
    assert (codes, count) == ({"5100", "5101", "5102"}, 1)


@pytest.mark.parametrize(
    "persona, code, expected",
    [
        # Leadership at hq: every report and desk but the alerts.
        ("dora", "0000", {"report": True, "dossiers": True, "composite": True, "plan": True, "alerts": False}),
        ("dora", "5100", {"report": True, "dossiers": True, "composite": True, "plan": True, "alerts": False}),
        # HR on a customs: its report and dossiers; no composite (not an office,
        # not leadership), no audit plan.
        ("alice", "5100", {"report": True, "dossiers": True, "composite": False, "plan": False, "alerts": False}),
        ("alice", "5200", {"report": False, "dossiers": False, "composite": False, "plan": False, "alerts": False}),
        # Supervision on a supervisory office: its composite and the alert desk.
        ("bob", "9100", {"report": True, "dossiers": True, "composite": True, "plan": False, "alerts": True}),
        ("bob", "0200", {"report": False, "dossiers": False, "composite": False, "plan": False, "alerts": True}),
    ],
)
def test_it_answers_what_a_page_may_link_to(request, tree, persona, code, expected):
    access = Access(request.getfixturevalue(persona))
    unit = tree[code]
    assert {
        "report": access.may_read_unit_report(unit),
        "dossiers": access.may_read_dossiers(unit),
        "composite": access.may_see_composite(unit),
        "plan": access.may_see_audit_plan(unit),
        "alerts": access.may_see_alerts(),
    } == expected


def test_it_lets_a_superuser_reach_everything_without_a_query(tree):
    access = Access(UserFactory(is_superuser=True))
    answers, count = queries(
        lambda: (
            access.roles,
            access.may_see_dashboard(),
            access.may_see_composite(tree["5201"]),
            access.may_see_alerts(),
        )
    )
    assert (answers, count) == ((ALL_ROLES, True, True, True), 0)


def test_it_gives_a_user_without_grants_nothing(tree):
    access = Access(UserFactory())
    assert not access.may_see_dashboard()
    assert not access.may_read_unit_report(tree["0000"])
    assert not Unit.objects.filter(pk__in=access.units()).exists()


def _links(client, user, code):
    client.force_login(user)
    response = client.get("/", {"unit": code, "year": 2009}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return {link["url"] for link in response.context["links"]}


@pytest.mark.parametrize("persona, code", [("alice", "5100"), ("bob", "9100"), ("dora", "0000"), ("dora", "5100")])
def test_it_offers_exactly_the_links_whose_pages_open(client, request, tree, persona, code):
    """The dashboard and the pages behind its links ask the same Access
    questions: a link is shown if and only if its page lets the user in."""
    offered = _links(client, request.getfixturevalue(persona), code)
    query = f"?unit={code}&year=2009"
    candidates = [
        reverse("reports:unit_report_pdf", args=[code]) + "?year=2009",
        reverse("reports:appraisal_batch", args=[code]) + "?year=2009",
        reverse("reports:unit_reports_batch", args=[code]) + "?year=2009",
        reverse("audit:composite") + query,
        reverse("audit:plan") + f"?unit={code}",
        reverse("integrity:alert_list"),
    ]
    for url in candidates:
        opens = client.get(url).status_code == 200
        assert opens == (url in offered), (persona, url)


@pytest.mark.parametrize(
    "persona, code, role_sets",
    [
        ("dora", "0000", {ALL_ROLES, frozenset({Role.LEADERSHIP})}),
        ("bob", "9100", {ALL_ROLES, frozenset({Role.SUPERVISION})}),
    ],
)
def test_it_resolves_each_scope_once_per_dashboard_request(
    client, request, tree, monkeypatch, persona, code, role_sets
):
    """Before the Access object, one dashboard request built the user's
    scope six times; now once per set of roles it asks about."""
    calls = Counter()
    original = org.scoping.units_in_scope

    def counting(user, roles=ALL_ROLES):
        calls[frozenset(Role(r) for r in ([roles] if isinstance(roles, str) else roles))] += 1
        return original(user, roles)

    monkeypatch.setattr(org.access, "units_in_scope", counting)
    monkeypatch.setattr(org.scoping, "units_in_scope", counting)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/", {"unit": code, "year": 2009}).status_code == 200
    assert set(calls) == role_sets
    assert set(calls.values()) == {1}
