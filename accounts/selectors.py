"""Who may read the security event log, and who must use two factors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import Unit
from org.roles import Role
from org.scoping import granted_units, sees_everything


def reads_security_log(user) -> bool:
    """Superusers and supervision granted on the General Administration (hq),
    the same readers as the access log's."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if sees_everything(user):
        return True
    return granted_units(user, Role.SUPERVISION).filter(kind=Unit.Kind.HQ).exists()


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
    return sees_everything(user) or granted_units(user, Role.SUPERVISION).exists()


def has_two_factor_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
