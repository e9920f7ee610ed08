"""Settings for the test suite: the base settings with a throwaway key."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-suite-key-not-secret")

from .base import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests that commit (transactional_db, live_server) are cleaned up with
# ``flush``, which refuses while the append-only access log has rows; only
# here may it empty the log (integrity/management/commands/flush.py).
ACCESS_LOG_TEST_FLUSH = True

# The test client speaks plain HTTP; the redirect itself is Django's.
SECURE_SSL_REDIRECT = False

# The URL sweep asks hundreds of API URLs per persona; tests/api sets a low
# rate where it checks the throttle.
API_THROTTLE_RATE = "100000/min"

# The suite logs its personas in with force_login and no second factor; the
# two-factor tests (tests/accounts/test_two_factor.py) turn the requirement on.
TWO_FACTOR_REQUIRED = False

# Evidence files of the test run go to a throwaway folder, not the project's.
STORAGES = {
    **STORAGES,  # noqa: F405
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="evidence-test-"), "base_url": None},
    },
}

# Each test's client builds its own middleware chain, and WhiteNoise indexes
# every static file when it is built (a stat and headers for each, about
# twenty milliseconds per test); with autorefresh it looks a file up when
# one is asked for, and serves it the same way.
WHITENOISE_AUTOREFRESH = True
