"""Login, logout and lockout signals (Django's and django-axes') written to
the security event log. The libraries announce these events only through
signals; each receiver just hands them to ``services``."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SecurityEvent
from .selectors import DIRECTORY_BACKENDS
from .services import security_event_record


def _account(username: str):
    return get_user_model()._default_manager.filter(username=username).first() if username else None


@receiver(user_logged_in, dispatch_uid="accounts_login")
def _logged_in(sender, request, user, **kwargs):
    # A login through a directory says which (Django notes the backend on the user).
    source = DIRECTORY_BACKENDS.get(getattr(user, "backend", ""))
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN, user=user, request=request, changes={"source": source} if source else None
    )


@receiver(user_logged_out, dispatch_uid="accounts_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", "") or "")
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED, user=_account(username), username=username, request=request
    )


@receiver(user_locked_out, dispatch_uid="accounts_lockout")
def _locked_out(sender, request, username, ip_address, **kwargs):
    username = str(username or "")
    security_event_record(kind=SecurityEvent.Kind.LOCKOUT, user=_account(username), username=username, request=request)
