"""Password guessing: django-axes locks the (account, address) pair after
AXES_FAILURE_LIMIT wrong passwords, and every step is in the security log."""

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client

from accounts.models import SecurityEvent
from tests.factories import UserFactory

LOGIN = "/accounts/login/"


@pytest.fixture
def clerk(db):
    user = UserFactory(username="clerk")
    user.set_password("right-horse-battery")
    user.save()
    return user


def _try(client, password, username="clerk"):
    return client.post(LOGIN, {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_default_limit_is_five_wrong_passwords_and_half_an_hour():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_it_refuses_the_right_password_after_five_wrong_ones(clerk):
    client = Client(REMOTE_ADDR="10.1.2.3")
    for attempt in range(4):
        response = _try(client, f"guess-{attempt}")
        assert response.status_code == 200  # the form again, with its error
    locked = _try(client, "guess-4")
    assert locked.status_code == 429
    refused = _try(client, "right-horse-battery")
    assert refused.status_code == 429
    assert not _logged_in(client)
    # The lockout page is plain and in Chinese (the default language).
    page = refused.content.decode()
    assert "登录被拒绝" in page and "5 次" in page
    assert "<script" not in page

    events = SecurityEvent.objects.filter(username="clerk")
    # Six refused logins (five wrong passwords, then the right one during
    # the lockout); the fifth and sixth each report the lockout.
    assert events.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).count() == 6
    assert events.filter(kind=SecurityEvent.Kind.LOCKOUT).count() == 2
    assert not events.filter(kind=SecurityEvent.Kind.LOGIN).exists()
    assert set(events.values_list("user", flat=True)) == {clerk.pk}
    assert set(events.values_list("ip_address", flat=True)) == {"10.1.2.3"}


def test_the_lock_holds_the_pair_not_the_account(clerk):
    guesser = Client(REMOTE_ADDR="10.1.2.3")
    for attempt in range(5):
        _try(guesser, f"guess-{attempt}")
    colleague = Client(REMOTE_ADDR="10.9.9.9")
    assert _try(colleague, "right-horse-battery").status_code == 302
    assert _logged_in(colleague)


def test_a_successful_login_clears_the_count_and_is_logged(clerk):
    client = Client(REMOTE_ADDR="10.1.2.3")
    for attempt in range(4):
        _try(client, f"guess-{attempt}")
    assert _try(client, "right-horse-battery").status_code == 302
    client.post("/accounts/logout/")
    for attempt in range(4):
        assert _try(client, f"again-{attempt}").status_code == 200
    assert _try(client, "right-horse-battery").status_code == 302
    kinds = list(SecurityEvent.objects.filter(username="clerk").order_by("pk").values_list("kind", flat=True))
    K = SecurityEvent.Kind
    assert kinds == [K.LOGIN_FAILED] * 4 + [K.LOGIN, K.LOGOUT] + [K.LOGIN_FAILED] * 4 + [K.LOGIN]


def test_an_unknown_account_name_is_logged_as_typed(db):
    client = Client(REMOTE_ADDR="10.1.2.3")
    _try(client, "whatever", username="nobody-here")
    event = SecurityEvent.objects.get()
    assert (event.kind, event.username, event.user) == (SecurityEvent.Kind.LOGIN_FAILED, "nobody-here", None)


def test_a_login_made_by_code_without_a_request_is_not_counted(clerk, client):
    """The test client's ``login`` and management commands authenticate
    without a request: django-axes has no address to count them by."""
    assert client.login(username="clerk", password="right-horse-battery")
    assert not client.login(username="clerk", password="wrong")
    assert authenticate(username="clerk", password="right-horse-battery") == clerk
