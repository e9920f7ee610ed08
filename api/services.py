"""Writes of the API app: tokens created, revoked and used."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, ApiTokenEvent

TOKEN_PREFIX_LENGTH = 8


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _event(token, kind, request=None):
    return ApiTokenEvent.objects.create(
        token=token,
        kind=kind,
        method=(request.method if request is not None else "")[:10],
        path=(request.get_full_path() if request is not None else "")[:500],
        # REMOTE_ADDR only, as the access log: a forwarded header is the client's word.
        ip_address=(request.META.get("REMOTE_ADDR") if request is not None else None) or None,
    )


@transaction.atomic
def token_create(*, name: str, days: int, read_only: bool, acting_user, request=None) -> tuple[ApiToken, str]:
    """A new token of ``acting_user``; returns it with the raw token, which is never stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=acting_user,
        name=name,
        prefix=raw[:TOKEN_PREFIX_LENGTH],
        digest=token_digest(raw),
        read_only=read_only,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    _event(token, ApiTokenEvent.Kind.CREATED, request)
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, acting_user, request=None) -> ApiToken:
    """Revoke one of ``acting_user``'s own tokens (the caller looked it up among them)."""
    if token.user_id != acting_user.pk:
        raise PermissionError("not the token's owner")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _event(token, ApiTokenEvent.Kind.REVOKED, request)
    return token


@transaction.atomic
def token_use(*, token: ApiToken, request) -> None:
    """Stamp and log one request made with ``token``."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    _event(token, ApiTokenEvent.Kind.USED, request)


@transaction.atomic
def token_refuse(*, token: ApiToken, request) -> None:
    """Log a request made with an expired or revoked token."""
    _event(token, ApiTokenEvent.Kind.REFUSED, request)
