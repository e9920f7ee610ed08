"""Two-factor authentication (TOTP, django-otp) for local accounts that must
use it: superusers and holders of a supervision grant, when
TWO_FACTOR_REQUIRED is on. The codes are computed here from the device's key
with the TOTP algorithm of RFC 6238, as an authenticator app would."""

import base64
import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from accounts.services import grant_create
from org.models import Unit
from org.roles import Role
from org.services import unit_scope_rebuild
from tests.factories import UnitFactory, UserFactory

LOGIN = "/accounts/login/"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/"
PAGE = "/admin/personnel/officer/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _login(username, password="right-horse-battery"):
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302, "the password login itself succeeds"
    return client


def _account(username, **flags):
    user = UserFactory(username=username, **flags)
    user.set_password("right-horse-battery")
    user.save()
    return user


def _code(key_hex: str) -> str:
    # RFC 6238 with an authenticator app's parameters: 30-second steps, six digits.
    return f"{totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6):06d}"


def test_it_sends_a_superuser_without_a_device_to_set_one_up_and_lets_a_valid_code_in(db):
    admin = _account("root", is_superuser=True)
    client = _login("root")
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Fpersonnel%2Fofficer%2F"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    # The QR code is an SVG drawn on the server, shown as a data: image (CSP: no inline script or style).
    assert 'src="data:image/svg+xml;base64,' in html
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)[1]).decode()
    assert svg.startswith("<svg") and "<path" in svg
    assert "<script" not in html and "style=" not in html
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed is False
    secret = base64.b32encode(device.bin_key).decode()
    assert secret in html

    # Still no page before the code.
    assert client.get("/").status_code == 302

    wrong = client.post(SETUP, {"token": "000000" if _code(device.key) != "000000" else "111111", "next": PAGE})
    assert wrong.status_code == 200
    assert SecurityEvent.objects.filter(user=admin, kind=SecurityEvent.Kind.TWO_FACTOR_FAILED).count() == 1
    device.refresh_from_db()
    assert device.confirmed is False
    device.throttling_failure_count = 0  # the wrong code above throttles the next try; an app user waits
    device.throttling_failure_timestamp = None
    device.save()

    done = client.post(SETUP, {"token": _code(device.key), "next": PAGE})
    assert done.status_code == 302 and done["Location"] == PAGE
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(PAGE).status_code == 200
    assert SecurityEvent.objects.filter(user=admin, kind=SecurityEvent.Kind.TWO_FACTOR_SET_UP).count() == 1


def test_it_asks_a_supervisor_with_a_device_for_a_code_and_refuses_a_wrong_one(db):
    unit = UnitFactory(code="0000", kind=Unit.Kind.HQ)
    unit_scope_rebuild()
    supervisor = _account("sup")
    grant_create(user=supervisor, role=Role.SUPERVISION, unit=unit)
    device = TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)

    client = _login("sup")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2F"

    right = _code(device.key)
    wrong = client.post(VERIFY, {"token": str((int(right) + 1) % 1_000_000).zfill(6), "next": "/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["token"]
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(user=supervisor, kind=SecurityEvent.Kind.TWO_FACTOR_FAILED).count() == 1

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post(VERIFY, {"token": right, "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get("/").status_code == 200
    # A code is used once: the same code again in a new session is refused.
    again = _login("sup")
    assert again.post(VERIFY, {"token": right, "next": "/"}).status_code == 200


def test_it_leaves_other_accounts_and_the_demo_setting_alone(db, settings):
    unit = UnitFactory(code="0000", kind=Unit.Kind.HQ)
    unit_scope_rebuild()
    hr = _account("hr-clerk")
    grant_create(user=hr, role=Role.HR, unit=unit)
    assert _login("hr-clerk").get("/").status_code == 200  # no supervision grant: no second factor
    _account("root", is_superuser=True)
    settings.TWO_FACTOR_REQUIRED = False
    assert _login("root").get("/").status_code == 200


def test_it_refuses_a_next_address_on_another_site(db):
    admin = _account("root", is_superuser=True)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client = _login("root")
    response = client.post(VERIFY, {"token": _code(device.key), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
