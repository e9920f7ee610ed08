"""Settings for the test suite: the base settings with a throwaway key."""
import os

os.environ.setdefault("SECRET_KEY", "test-suite-key-not-secret")

from .base import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The test client speaks plain HTTP; the redirect itself is Django's.
SECURE_SSL_REDIRECT = False
