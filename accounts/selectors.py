"""Who may read the security event log, and who must use two factors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.access import request_access
from org.roles import Role

# Logins through these backends are the directory's to secure (its own
# second factor, if any): two-factor authentication here is for local accounts.
# The value is the directory's name in the security event log.
DIRECTORY_BACKENDS = {"accounts.ldap.DirectoryLDAPBackend": "ldap", "accounts.oidc.DirectoryOIDCBackend": "oidc"}


def two_factor_required(request) -> bool:
    """Whether this session must pass a TOTP code before any page: a local
    login of a superuser or of a holder of a supervision grant, when the
    deployment requires it (TWO_FACTOR_REQUIRED)."""
    user = request.user
    if not (settings.TWO_FACTOR_REQUIRED and user.is_authenticated and user.is_active):
        return False
    if request.session.get(BACKEND_SESSION_KEY) in DIRECTORY_BACKENDS:
        return False
    return request_access(request).has_grant(Role.SUPERVISION)


def has_two_factor_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
