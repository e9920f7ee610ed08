"""The security event log: grant and account changes with who made them,
read by hq supervision and superusers only, and append-only in the database."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import IntegrityError, InternalError, OperationalError, ProgrammingError, connection, transaction

from accounts.models import SecurityEvent
from accounts.services import grant_create, grant_delete
from org.models import UnitUserObjectPermission
from org.roles import Role
from tests.factories import UserFactory

LOG = "/admin/accounts/securityevent/"
REFUSED = (IntegrityError, InternalError, OperationalError, ProgrammingError)


@pytest.fixture
def hq_supervisor(tree):
    user = UserFactory(username="hq-sup")
    grant_create(user=user, role=Role.SUPERVISION, unit=tree["0000"])
    return user


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True)


def test_it_logs_a_grant_given_and_taken_with_who_did_it(tree, root):
    clerk = UserFactory(username="clerk")
    grant_create(user=clerk, role=Role.HR, unit=tree["5100"], acting_user=root)
    grant_create(user=clerk, role=Role.HR, unit=tree["5100"], acting_user=root)  # already held: no event
    grant_delete(user=clerk, role=Role.HR, unit=tree["5100"], acting_user=root)
    grant_delete(user=clerk, role=Role.HR, unit=tree["5100"], acting_user=root)  # nothing left: no event
    events = list(SecurityEvent.objects.filter(user=clerk).order_by("pk"))
    assert [(e.kind, e.username, e.actor, e.actor_username, e.role, e.unit_code, e.unit_name) for e in events] == [
        (SecurityEvent.Kind.GRANT_ADDED, "clerk", root, "root", "hr", "5100", "广州海关"),
        (SecurityEvent.Kind.GRANT_REMOVED, "clerk", root, "root", "hr", "5100", "广州海关"),
    ]


def test_it_logs_grants_given_in_the_grants_admin_by_the_superuser(tree, root, client):
    clerk = UserFactory(username="clerk")
    client.force_login(root)
    response = client.post(
        "/admin/accounts/grant/add/",
        {
            "user": clerk.pk,
            "role": Role.SUPERVISION,
            "content_object": tree["5200"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = UnitUserObjectPermission.objects.get(user=clerk)
    assert (grant.permission.codename, grant.content_object) == ("role_supervision", tree["5200"])
    response = client.post(f"/admin/accounts/grant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not UnitUserObjectPermission.objects.filter(user=clerk).exists()
    events = SecurityEvent.objects.filter(user=clerk).order_by("pk")
    assert [(e.kind, e.actor, e.role, e.unit_code) for e in events] == [
        (SecurityEvent.Kind.GRANT_ADDED, root, "supervision", "5200"),
        (SecurityEvent.Kind.GRANT_REMOVED, root, "supervision", "5200"),
    ]


def test_only_a_superuser_reaches_the_grants_admin(alice, client):
    client.force_login(alice)
    assert client.get("/admin/accounts/grant/").status_code == 403
    assert client.get("/admin/accounts/grant/add/").status_code == 403


def test_it_logs_account_flag_and_group_changes_made_in_the_admin(root, client):
    clerk = UserFactory(username="clerk", is_staff=True, is_superuser=False)
    auditors = Group.objects.create(name="auditors")
    client.force_login(root)
    response = client.post(
        f"/admin/auth/user/{clerk.pk}/change/",
        {
            "username": "clerk",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [auditors.pk],
            "date_joined_0": "2025-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    events = {e.kind: e for e in SecurityEvent.objects.filter(user=clerk)}
    assert set(events) == {SecurityEvent.Kind.ACCOUNT_CHANGED, SecurityEvent.Kind.GROUPS_CHANGED}
    flags = events[SecurityEvent.Kind.ACCOUNT_CHANGED]
    assert flags.changes == {"is_superuser": [False, True], "is_staff": [True, False]}
    assert (flags.actor, flags.actor_username) == (root, "root")
    assert events[SecurityEvent.Kind.GROUPS_CHANGED].changes == {"groups": {"added": ["auditors"], "removed": []}}
    # Saving again with nothing changed writes nothing.
    client.post(
        f"/admin/auth/user/{clerk.pk}/change/",
        {
            "username": "clerk",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [auditors.pk],
            "date_joined_0": "2025-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert SecurityEvent.objects.filter(user=clerk).count() == 2


def test_hq_supervision_reads_the_log_in_chinese(hq_supervisor, tree, client):
    clerk = UserFactory(username="clerk")
    grant_create(user=clerk, role=Role.HR, unit=tree["5100"], acting_user=hq_supervisor)
    client.force_login(hq_supervisor)
    response = client.get(LOG)
    assert response.status_code == 200
    page = response.content.decode()
    assert "授予权限" in page and "clerk" in page and "广州海关" in page
    event = SecurityEvent.objects.get(user=clerk)
    assert client.get(f"{LOG}{event.pk}/change/").status_code == 200


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "dora"])
def test_anyone_else_gets_404_for_every_page_of_the_log(persona, request, client, root):
    user = request.getfixturevalue(persona)
    event = SecurityEvent.objects.filter(user=user).get()  # the grant the fixture gave
    client.force_login(user)
    for url in (LOG, f"{LOG}{event.pk}/change/", f"{LOG}{event.pk}/history/", "/admin/accounts/"):
        assert client.get(url).status_code == 404, (persona, url)
    assert "securityevent" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_securityevent SET username = 'someone-else'",
        "DELETE FROM accounts_securityevent",
    ],
)
def test_the_database_refuses_to_rewrite_or_empty_the_log(tree, root, statement):
    grant_create(user=UserFactory(username="clerk"), role=Role.HR, unit=tree["5100"], acting_user=root)
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert SecurityEvent.objects.get().username == "clerk"


def test_the_database_refuses_to_replace_a_row(tree, root):
    grant_create(user=UserFactory(username="clerk"), role=Role.HR, unit=tree["5100"], acting_user=root)
    event = SecurityEvent.objects.get()
    if connection.vendor == "sqlite":
        statement = (
            "REPLACE INTO accounts_securityevent (id, at, kind, username, actor_username, role, unit_code, unit_name,"
            " changes) VALUES (%s, %s, 'login', 'forged', '', '', '', '', '{}')"
        )
    else:
        statement = (
            "INSERT INTO accounts_securityevent (id, at, kind, username, actor_username, role, unit_code, unit_name,"
            " changes) VALUES (%s, %s, 'login', 'forged', '', '', '', '', '{}')"
            " ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username"
        )
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk, event.at])
    assert SecurityEvent.objects.get().username == "clerk"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_log(tree, root):
    grant_create(user=UserFactory(username="clerk"), role=Role.HR, unit=tree["5100"], acting_user=root)
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # Run the deferred foreign-key checks of the insert first, or
        # PostgreSQL refuses the TRUNCATE for that reason instead.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE accounts_securityevent")
    assert SecurityEvent.objects.count() == 1


def test_flush_cannot_empty_the_log(tree, root):
    """What ``manage.py flush`` runs for the table (DELETE on SQLite, TRUNCATE
    on PostgreSQL) is refused."""
    grant_create(user=UserFactory(username="clerk"), role=Role.HR, unit=tree["5100"], acting_user=root)
    statements = connection.ops.sql_flush(no_style(), ["accounts_securityevent"])
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        connection.check_constraints()
        connection.ops.execute_sql_flush(statements)
    assert SecurityEvent.objects.count() == 1
