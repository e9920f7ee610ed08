"""OpenID Connect single sign-on (mozilla-django-oidc).

The account is found by its username claim (``OIDC_USERNAME_CLAIM``), not by
e-mail, and created at its first login; its grants follow the groups claim
(``OIDC_GROUPS_CLAIM``) through ``OIDC_GRANT_MAP`` at every login. An ID
token whose signature, issuer, audience or nonce does not verify is a failed
login: Django signals it (security event log) and nobody is logged in.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .directory import directory_grants_sync, grant_map_parse
from .models import DirectoryGrant

logger = logging.getLogger(__name__)


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            logger.warning("OpenID Connect login refused: %s", exc)
            # Django's authenticate() turns this into a failed-login signal.
            raise PermissionDenied from exc

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library checks the signature and nonce; the audience, expiry and
        # issuer are checked here, so a token minted for another client or
        # replayed after its expiry is refused.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client")
        if not isinstance(payload.get("exp"), (int, float)) or payload["exp"] < time.time():
            raise SuspiciousOperation("ID token has expired")
        issuer = self.get_settings("OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token issuer is not the configured one")
        return payload

    def _username(self, claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM, "") or "")[:150]

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self._username(claims))

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(self._username(claims), email=claims.get("email", ""))
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.first_name = str(claims.get("given_name", "") or "")[:150]
        user.last_name = str(claims.get("family_name", "") or "")[:150]
        user.email = str(claims.get("email", "") or "")[:254]
        user.save(update_fields=["first_name", "last_name", "email"])
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        directory_grants_sync(
            user=user,
            source=DirectoryGrant.Source.OIDC,
            grant_map=grant_map_parse(settings.OIDC_GRANT_MAP, setting="OIDC_GRANT_MAP"),
            groups=groups,
            request=self.request,
        )
        return user
