"""LDAP / Active Directory login against a real OpenLDAP server (slapd on a
loopback port, tests/accounts/slapd.py): mapped groups give grants at each
login and take them away when the account leaves the group; a wrong password
fails, is logged and counts towards the django-axes lockout; grants from the
directory cannot be deleted in the grants admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import DirectoryGrant, SecurityEvent
from accounts.services import grant_create
from org.models import Unit, UnitUserObjectPermission
from org.roles import Role
from org.services import unit_scope_rebuild
from tests.factories import UnitFactory, UserFactory

from .slapd import ROOT_DN, ROOT_PASSWORD, SUFFIX, Slapd, require_ldap

ldap = require_ldap()
from django_auth_ldap.config import GroupOfNamesType, LDAPSearch  # noqa: E402  (optional install, checked above)

LOGIN = "/accounts/login/"
SUPERVISION_GROUP = f"cn=supervision-9100,ou=groups,{SUFFIX}"
HR_GROUP = f"cn=HR-5100,ou=groups,{SUFFIX}"
ZHANG = f"uid=zhang,ou=people,{SUFFIX}"
LI = f"uid=li,ou=people,{SUFFIX}"

DIRECTORY = f"""\
dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: customs
o: customs

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: {ZHANG}
objectClass: inetOrgPerson
uid: zhang
cn: Zhang Wei
sn: Zhang
givenName: Wei
mail: zhang@customs.example
userPassword: zhang-directory-pw

dn: {LI}
objectClass: inetOrgPerson
uid: li
cn: Li Na
sn: Li
givenName: Na
userPassword: li-directory-pw

dn: {SUPERVISION_GROUP}
objectClass: groupOfNames
cn: supervision-9100
member: cn=placeholder,{SUFFIX}
member: {ZHANG}

dn: {HR_GROUP}
objectClass: groupOfNames
cn: HR-5100
member: {ZHANG}
member: {LI}

dn: cn=unmapped,ou=groups,{SUFFIX}
objectClass: groupOfNames
cn: unmapped
member: {LI}
"""


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    server = Slapd(tmp_path_factory.mktemp("slapd"), DIRECTORY, ldap)
    yield server
    server.stop()


@pytest.fixture
def units(db):
    hq = UnitFactory(code="0000", kind=Unit.Kind.HQ)
    office = UnitFactory(code="9100", kind=Unit.Kind.SUPERVISORY_OFFICE, parent=hq)
    customs = UnitFactory(code="5100", kind=Unit.Kind.DIRECT, parent=hq)
    unit_scope_rebuild()
    return {"hq": hq, "office": office, "customs": customs}


@pytest.fixture
def directory(settings, slapd, units):
    settings.AUTH_LDAP_SERVER_URI = slapd.uri
    settings.AUTH_LDAP_BIND_DN = ROOT_DN
    settings.AUTH_LDAP_BIND_PASSWORD = ROOT_PASSWORD
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(f"ou=people,{SUFFIX}", ldap.SCOPE_SUBTREE, "(uid=%(user)s)")
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        f"ou=groups,{SUFFIX}", ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
    )
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
    settings.AUTH_LDAP_CACHE_TIMEOUT = 0
    # The JSON text, as the environment gives it; the group DN in another case than the directory's.
    settings.LDAP_GRANT_MAP = (
        f'[{{"group": "{SUPERVISION_GROUP.upper()}", "role": "supervision", "unit": "9100"}},'
        f' {{"group": "{HR_GROUP}", "role": "hr", "unit": "5100"}},'
        f' {{"group": "cn=gone,ou=groups,{SUFFIX}", "role": "audit", "unit": "5100"}}]'
    )
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.backends.LockoutBackend",
        "django.contrib.auth.backends.ModelBackend",
        "accounts.ldap.DirectoryLDAPBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]
    return slapd


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _grants(username):
    return set(
        UnitUserObjectPermission.objects.filter(user__username=username).values_list(
            "permission__codename", "content_object__code", "directory_source__source"
        )
    )


def test_it_gives_the_grants_of_the_mapped_groups_at_login(directory):
    client = Client(REMOTE_ADDR="10.0.0.7")
    response = _login(client, "zhang", "zhang-directory-pw")
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username="zhang")
    assert (user.first_name, user.last_name, user.email) == ("Wei", "Zhang", "zhang@customs.example")
    assert not user.has_usable_password()
    assert _grants("zhang") == {("role_supervision", "9100", "ldap"), ("role_hr", "5100", "ldap")}

    events = SecurityEvent.objects.filter(user=user).order_by("pk")
    added = events.filter(kind=SecurityEvent.Kind.GRANT_ADDED)
    assert sorted(added.values_list("role", "unit_code")) == [("hr", "5100"), ("supervision", "9100")]
    assert {tuple(e.changes.items()) for e in added} == {(("source", "ldap"),)}
    assert set(added.values_list("actor", flat=True)) == {None}
    assert set(added.values_list("ip_address", flat=True)) == {"10.0.0.7"}
    assert events.get(kind=SecurityEvent.Kind.LOGIN).changes == {"source": "ldap"}
    # The dashboard answers: the grants are real grants.
    assert client.get("/").status_code == 200


def test_it_takes_the_grant_away_when_the_account_leaves_the_group(directory, units):
    assert _login(Client(), "zhang", "zhang-directory-pw").status_code == 302
    user = get_user_model().objects.get(username="zhang")
    # A grant an administrator gave by hand is not the directory's.
    admin = UserFactory(username="root", is_superuser=True)
    grant_create(user=user, role=Role.AUDIT, unit=units["customs"], acting_user=admin)

    directory.modify(SUPERVISION_GROUP, [(ldap.MOD_DELETE, "member", [ZHANG.encode()])])
    assert _login(Client(), "zhang", "zhang-directory-pw").status_code == 302

    assert _grants("zhang") == {("role_hr", "5100", "ldap"), ("role_audit", "5100", None)}
    removed = SecurityEvent.objects.get(user=user, kind=SecurityEvent.Kind.GRANT_REMOVED)
    assert (removed.role, removed.unit_code, removed.changes) == ("supervision", "9100", {"source": "ldap"})
    assert DirectoryGrant.objects.filter(grant__user=user).count() == 1

    directory.modify(SUPERVISION_GROUP, [(ldap.MOD_ADD, "member", [ZHANG.encode()])])
    assert _login(Client(), "zhang", "zhang-directory-pw").status_code == 302
    assert ("role_supervision", "9100", "ldap") in _grants("zhang")


def test_it_refuses_and_logs_a_wrong_password_and_locks_out_after_five(directory):
    client = Client(REMOTE_ADDR="10.0.0.9")
    response = _login(client, "li", "not-her-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    failed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, username="li")
    assert failed.count() == 1 and failed.get().ip_address == "10.0.0.9"
    assert not get_user_model().objects.filter(username="li").exists()

    for attempt in range(4):
        _login(client, "li", f"guess-{attempt}")
    # django-axes refuses the right directory password during the lockout.
    locked = _login(client, "li", "li-directory-pw")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT, username="li").exists()
    assert not get_user_model().objects.filter(username="li").exists()

    # From another address the account is not locked: the pair is.
    assert _login(Client(REMOTE_ADDR="10.0.0.10"), "li", "li-directory-pw").status_code == 302
    assert _grants("li") == {("role_hr", "5100", "ldap")}


def test_it_keeps_local_accounts_working(directory):
    local = UserFactory(username="local-clerk")
    local.set_password("local-horse-battery")
    local.save()
    assert _login(Client(), "local-clerk", "local-horse-battery").status_code == 302
    assert SecurityEvent.objects.get(user=local, kind=SecurityEvent.Kind.LOGIN).changes == {}


def test_the_grants_admin_refuses_to_delete_a_directory_grant(directory, units):
    assert _login(Client(), "zhang", "zhang-directory-pw").status_code == 302
    admin = UserFactory(username="root", is_superuser=True)
    local = grant_create(user=admin, role=Role.AUDIT, unit=units["customs"], acting_user=admin)
    from_directory = DirectoryGrant.objects.filter(grant__user__username="zhang").first().grant

    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/accounts/grant/")
    assert listing.status_code == 200
    assert listing.content.decode().count("LDAP / Active Directory") == 2
    assert client.get(f"/admin/accounts/grant/{from_directory.pk}/delete/").status_code == 403
    assert client.post(f"/admin/accounts/grant/{from_directory.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/accounts/grant/",
        {
            "action": "delete_selected",
            "_selected_action": [from_directory.pk, local.pk],
            "post": "yes",
        },
    )
    assert bulk.status_code == 403
    assert UnitUserObjectPermission.objects.filter(pk=from_directory.pk).exists()
    assert client.get(f"/admin/accounts/grant/{local.pk}/delete/").status_code == 200
    # The security event log says where the grants came from (in the default language).
    log = client.get("/admin/accounts/securityevent/").content.decode()
    # Two grants and the login.
    assert log.count("来自目录：LDAP / Active Directory 目录") == 3


def test_a_directory_login_needs_no_local_second_factor(directory, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client = Client()
    assert _login(client, "zhang", "zhang-directory-pw").status_code == 302
    assert client.get("/").status_code == 200  # a supervision grant, but the directory secures this login
