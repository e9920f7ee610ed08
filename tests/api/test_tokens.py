"""Per-user API tokens: only a digest stored, expiry, revocation, read-only,
throttling per token, every use logged; the page where a user manages them."""

import datetime as dt
import hashlib

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, ApiTokenEvent
from api.services import token_create, token_revoke

from .conftest import token_client

pytestmark = pytest.mark.django_db

GOOD = {
    "staff_no": "S5101",
    "course": "海关法规",
    "start_date": "2009-09-01",
    "end_date": "2009-09-01",
    "days": 1,
    "mode": "online",
}


def _bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_only_the_digest_is_stored_and_each_use_is_logged(service):
    token, raw = token_create(name="lms", days=30, read_only=False, acting_user=service.users["hr"])
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in [str(v) for v in ApiToken.objects.values_list(flat=False).get()]
    assert _bearer(raw).get("/api/postings/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    kinds = list(ApiTokenEvent.objects.filter(token=token).order_by("pk").values_list("kind", "path"))
    assert kinds == [("created", ""), ("used", "/api/postings/")]


def test_an_expired_token_is_refused_and_the_attempt_logged(service):
    token, raw = token_create(name="old", days=1, read_only=False, acting_user=service.users["hr"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _bearer(raw).get("/api/postings/").status_code == 401
    assert ApiTokenEvent.objects.filter(token=token, kind="refused").count() == 1


def test_a_revoked_token_is_refused(service):
    token, raw = token_create(name="gone", days=30, read_only=False, acting_user=service.users["hr"])
    assert _bearer(raw).get("/api/postings/").status_code == 200
    token_revoke(token=token, acting_user=service.users["hr"])
    assert _bearer(raw).get("/api/postings/").status_code == 401


def test_a_wrong_token_is_refused(service):
    assert _bearer("not-a-token").get("/api/postings/").status_code == 401
    assert APIClient().get("/api/postings/").status_code in (401, 403)


def test_a_read_only_token_reads_but_never_writes(service):
    client = token_client(service.users["hr"], read_only=True)
    assert client.get("/api/training/").status_code == 200
    assert client.post("/api/training/", GOOD, format="json").status_code == 403
    assert token_client(service.users["hr"]).post("/api/training/", GOOD, format="json").status_code == 201


@override_settings(API_THROTTLE_RATE="3/min")
def test_it_throttles_per_token(service):
    first, second = token_client(service.users["hr"]), token_client(service.users["hr"])
    assert [first.get("/api/units/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get("/api/units/").status_code == 200


def test_it_lets_a_user_create_and_revoke_their_own_tokens_on_the_page(service):
    hr, other = service.users["hr"], service.users["auditor"]
    page = Client()
    page.force_login(hr)
    created = page.post("/api/tokens/", {"name": "学习平台", "days": 90, "read_only": "on"})
    assert created.status_code == 200
    token = ApiToken.objects.get(user=hr)
    raw = created.context["raw"]
    assert token.read_only and token.prefix == raw[:8]
    assert (token.expires_at - timezone.now()).days in (89, 90)
    foreign, _raw = token_create(name="x", days=1, read_only=False, acting_user=other)
    assert page.post(f"/api/tokens/{foreign.pk}/revoke/").status_code == 404
    assert page.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    foreign.refresh_from_db()
    assert token.revoked_at is not None and foreign.revoked_at is None
    assert _bearer(raw).get("/api/units/").status_code == 401


def test_a_session_write_needs_the_csrf_token(service):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(service.users["hr"])
    assert client.get("/api/training/").status_code == 200
    assert client.post("/api/training/", GOOD, format="json").status_code == 403
