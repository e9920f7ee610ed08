"""OpenID Connect single sign-on against a small provider served in-process:
its token, userinfo and JWKS endpoints answer through ``responses``, and it
signs ID tokens with an RSA key made for the test (josepy). The login flow
runs through mozilla-django-oidc's own views; a token that was tampered
with, signed by another key, meant for another client or expired is refused
and logged."""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlparse

import josepy
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import SecurityEvent
from org.models import Unit, UnitUserObjectPermission
from org.services import unit_scope_rebuild
from tests.factories import UnitFactory

ISSUER = "https://sso.customs.example"
CLIENT_ID = "workforce"
KID = "test-key-1"

pytestmark = pytest.mark.urls("tests.accounts.oidc_urls")


def _rsa_key():
    return josepy.JWKRSA(key=rsa.generate_private_key(public_exponent=65537, key_size=2048))


class Provider:
    """The identity provider: remembers the codes it issued at the
    authorization step (with nonce and PKCE challenge) and answers the token
    exchange for them only."""

    def __init__(self):
        self.key = _rsa_key()
        self.signing_key = self.key
        self.userinfo = {}
        self.codes = {}
        self.claims_override = {}
        self.tamper = False

    def authorize(self, location: str) -> str:
        query = parse_qs(urlparse(location).query)
        assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
        assert query["code_challenge_method"] == ["S256"]
        code = f"code-{len(self.codes)}"
        self.codes[code] = {"nonce": query["nonce"][0], "challenge": query["code_challenge"][0]}
        return f"/oidc/callback/?code={code}&state={query['state'][0]}"

    def id_token(self, nonce) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "wang-0001",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.claims_override,
        }
        signed = (
            josepy.JWS.sign(
                json.dumps(claims).encode(),
                key=self.signing_key,
                alg=josepy.RS256,
                kid=KID,
                protect=frozenset(["alg", "kid"]),
            )
            .to_compact()
            .decode()
        )
        if self.tamper:
            header, payload, signature = signed.split(".")
            claims["sub"] = "someone-else"
            forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            signed = ".".join([header, forged, signature])
        return signed

    def token_endpoint(self, request):
        form = parse_qs(request.body)
        issued = self.codes.pop(form["code"][0], None)
        verifier = form.get("code_verifier", [""])[0]
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if issued is None or form["client_id"] != [CLIENT_ID] or challenge != issued["challenge"]:
            return 400, {}, json.dumps({"error": "invalid_grant"})
        return (
            200,
            {},
            json.dumps(
                {"access_token": "access-1", "token_type": "Bearer", "id_token": self.id_token(issued["nonce"])}
            ),
        )

    def jwks_endpoint(self, request):
        public = self.key.public_key().to_json()
        return 200, {}, json.dumps({"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]})

    def userinfo_endpoint(self, request):
        if request.headers.get("Authorization") != "Bearer access-1":
            return 401, {}, "{}"
        return 200, {}, json.dumps(self.userinfo)


@pytest.fixture
def provider(settings, db):
    hq = UnitFactory(code="0000", kind=Unit.Kind.HQ)
    UnitFactory(code="5300", kind=Unit.Kind.DIRECT, parent=hq)
    unit_scope_rebuild()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.OIDC_USE_PKCE = True
    settings.LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
    settings.OIDC_GRANT_MAP = [{"group": "audit-shenzhen", "role": "audit", "unit": "5300"}]
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.backends.LockoutBackend",
        "django.contrib.auth.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
        "accounts.oidc.DirectoryOIDCBackend",
    ]
    idp = Provider()
    idp.userinfo = {
        "sub": "wang-0001",
        "preferred_username": "wang",
        "email": "wang@customs.example",
        "given_name": "Fang",
        "family_name": "Wang",
        "groups": ["audit-shenzhen", "other"],
    }
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, f"{ISSUER}/token", callback=idp.token_endpoint)
        mock.add_callback(responses.GET, f"{ISSUER}/jwks", callback=idp.jwks_endpoint)
        mock.add_callback(responses.GET, f"{ISSUER}/userinfo", callback=idp.userinfo_endpoint)
        yield idp


def _sign_in(client, idp):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(f"{ISSUER}/authorize?")
    return client.get(idp.authorize(start["Location"]))


def _grants(username):
    return set(
        UnitUserObjectPermission.objects.filter(user__username=username).values_list(
            "permission__codename", "content_object__code", "directory_source__source"
        )
    )


def test_it_logs_in_through_the_provider_and_gives_the_mapped_grant(provider):
    client = Client()
    page = client.get("/accounts/login/?next=/reports/")
    assert 'href="/oidc/authenticate/?next=/reports/"' in page.content.decode()
    done = _sign_in(client, provider)
    assert done.status_code == 302 and done["Location"] == "/"
    user = get_user_model().objects.get(username="wang")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (user.first_name, user.last_name, user.email) == ("Fang", "Wang", "wang@customs.example")
    assert _grants("wang") == {("role_audit", "5300", "oidc")}
    added = SecurityEvent.objects.get(user=user, kind=SecurityEvent.Kind.GRANT_ADDED)
    assert (added.role, added.unit_code, added.changes) == ("audit", "5300", {"source": "oidc"})
    assert SecurityEvent.objects.get(user=user, kind=SecurityEvent.Kind.LOGIN).changes == {"source": "oidc"}
    assert client.get("/").status_code == 200

    # Out of the group at the provider: the grant goes at the next login.
    provider.userinfo["groups"] = ["other"]
    assert _sign_in(Client(), provider)["Location"] == "/"
    assert _grants("wang") == set()
    removed = SecurityEvent.objects.get(user=user, kind=SecurityEvent.Kind.GRANT_REMOVED)
    assert (removed.role, removed.unit_code, removed.changes) == ("audit", "5300", {"source": "oidc"})


@pytest.mark.parametrize(
    ("attack", "reason"),
    [
        ("tampered", "JWS token verification failed."),
        ("other key", "JWS token verification failed."),
        ("other client", "ID token audience is not this client"),
        ("expired", "ID token has expired"),
    ],
)
def test_it_refuses_and_logs_a_token_that_does_not_verify(provider, attack, reason, caplog):
    if attack == "tampered":
        provider.tamper = True
    elif attack == "other key":
        provider.signing_key = _rsa_key()
    elif attack == "other client":
        provider.claims_override = {"aud": "another-client"}
    else:
        provider.claims_override = {"exp": int(time.time()) - 60}
    client = Client()
    refused = _sign_in(client, provider)
    assert refused.status_code == 302 and refused["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username="wang").exists()
    assert not UnitUserObjectPermission.objects.exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).count() == 1
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN).exists()
    assert [r.getMessage() for r in caplog.records if r.name == "accounts.oidc"] == [
        f"OpenID Connect login refused: {reason}"
    ]
