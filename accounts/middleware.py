"""Two-factor authentication before any page (TWO_FACTOR_REQUIRED)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from core.addresses import address

from .selectors import has_two_factor_device, two_factor_required

# The pages a session that owes a code may open.
OPEN_PAGES = ("accounts:two_factor_setup", "accounts:two_factor_verify", "logout", "set_language")


class TwoFactorMiddleware:
    """A session that must use two factors and has not passed a code yet is
    sent to set up its authenticator (no device yet) or to enter a code; only
    those pages, logging out, the language switch and static files answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _open(self, path: str) -> bool:
        return path in {address(name) for name in OPEN_PAGES} or path.startswith("/" + settings.STATIC_URL.lstrip("/"))

    def __call__(self, request):
        if not self._open(request.path) and two_factor_required(request) and not request.user.is_verified():
            name = "two_factor_verify" if has_two_factor_device(request.user) else "two_factor_setup"
            return redirect(f"{reverse('accounts:' + name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
