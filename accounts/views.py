"""Setting up and passing the second factor (TOTP) of a local account."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .selectors import has_two_factor_device
from .services import two_factor_device_confirm, two_factor_device_pending, two_factor_verify


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from the authenticator app"),
        regex=r"^\d{6}$",
        max_length=6,
        strip=True,
        error_messages={"invalid": _("Enter the six digits the app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _qr_data_uri(text: str) -> str:
    # Drawn here as SVG and shown as a data: image, which the CSP allows
    # (img-src data:) without any inline script or style.
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_page(request):
    if has_two_factor_device(request.user):
        # One authenticator per account; an administrator removes a lost one.
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if two_factor_device_confirm(device=device, token=form.cleaned_data["token"], request=request):
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Check the time on the phone and try again."))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": _qr_data_uri(device.config_url),
            "secret": secret,
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_page(request):
    if not has_two_factor_device(request.user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if two_factor_verify(user=request.user, token=form.cleaned_data["token"], request=request):
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Check the time on the phone and try again."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


class DirectoryLoginView(LoginView):
    """Django's login page, with the single sign-on link when OpenID Connect
    is configured (docs/integration.md)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": settings.OIDC_ENABLED}
