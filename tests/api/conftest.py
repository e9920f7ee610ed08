"""The API tests run on the side-channel service of tests/security (its
personas and marked records) and authenticate with real API tokens. The
service is built once per module (tests/shared.py): each test runs in a
savepoint on top of it, so what a test writes is rolled back. Jobs run
through the database backend with its worker in the test process
(tests/jobs/conftest.py)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import token_create
from tests.jobs.conftest import committing, run_jobs  # noqa: F401  (fixtures)
from tests.security.conftest import PERSONAS, hidden_texts, kept_service  # noqa: F401  (a fixture)

__all__ = ["PERSONAS", "hidden_texts", "service"]


def token_client(user, *, read_only=False, days=30):
    _token, raw = token_create(name="test", days=days, read_only=read_only, acting_user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def service(kept_service, db):  # noqa: F811  (the imported fixture, by name)
    return kept_service


@pytest.fixture
def api_as(service):
    return lambda persona, **kwargs: token_client(service.users[persona], **kwargs)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # Token ids repeat between tests; the throttle's counts live in the cache.
    cache.clear()
