"""Addresses of named pages, reversed once per process.

The navigation bar and the two-factor check name the same few pages on every
request; reversing a name walks the URL resolver each time. An address
depends only on the name, the URLconf and the script prefix, so it is kept
under those three (a test that swaps the URLconf gets its own). The
project's URL patterns do not vary with the language (no
``i18n_patterns``); if they did, the language would belong in the key.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@functools.cache
def _reversed(url_name: str, urlconf: str, prefix: str) -> str | None:
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def url_scheme() -> tuple[str, str]:
    """What every address depends on besides its name: the URLconf in use
    (a request's own, else the settings') and the script prefix. Whatever
    keeps reversed addresses keeps them under it."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


def address(url_name: str) -> str | None:
    """The address of the page named ``url_name`` (no arguments), or None
    when no installed app names it."""
    return _reversed(url_name, *url_scheme())
