"""Login against LDAP / Active Directory (django-auth-ldap).

Imported only when ``LDAP_SERVER_URI`` is set: python-ldap, under
django-auth-ldap, is an optional install (requirements-ldap.txt,
docs/integration.md). A failed bind returns no account, so Django signals the
failed login (security event log) and django-axes counts it like any other;
the lockout backend before this one refuses a locked-out name first.
"""

from __future__ import annotations

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend

from .directory import directory_grants_sync, grant_map_parse
from .models import DirectoryGrant


class DirectoryLDAPBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            directory_grants_sync(
                user=user,
                source=DirectoryGrant.Source.LDAP,
                grant_map=grant_map_parse(settings.LDAP_GRANT_MAP, setting="LDAP_GRANT_MAP"),
                groups=ldap_user.group_dns,
                request=getattr(self, "_request", None),
            )
        return user
