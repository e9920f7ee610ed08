"""The one navigation bar of every page (templates/core/site_header.html).

The bar is the product's name, the entries the user may open, the user's
name, logout and the language switch. It is the same on the project's own
pages, the Django admin (templates/admin/base_site.html), the login page and
the error pages.

Extension point: an app adds an entry by registering a ``NavEntry`` in its
``AppConfig.ready()``::

    from core.navigation import NavEntry, register

    register(NavEntry(key="tasks", label=_("My tasks"), url_name="tasks:inbox",
                      allowed=lambda access: access.user.is_authenticated, order=20))

``allowed`` receives the request's ``org.access.Access`` (``request.access``)
and answers whether the page behind the entry opens for this user — the same
question the page asks, so an entry is shown exactly when its page opens.
Entries are sorted by ``order`` (then key); a key registered twice replaces
the earlier entry. A predicate that raises is a bug and is not swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.addresses import address
from org.access import request_access

# The product's name: short in the bar, full where space allows (titles,
# the login page, the PDF headers).
PRODUCT_NAME = _("Workforce information system")
PRODUCT_FULL_NAME = _("Customs workforce and integrity-risk information system")


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    allowed: Callable[[object], bool]
    order: int = 50


_ENTRIES: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> NavEntry:
    _ENTRIES[entry.key] = entry
    return entry


def entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.key))


def visible_entries(request) -> list[dict]:
    """The entries this request's user may open, each with its URL and
    whether the current page lies under it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    access = request_access(request)
    shown = []
    for entry in entries():
        if not entry.allowed(access):
            continue
        # None: an entry whose app is not installed in this deployment.
        url = address(entry.url_name)
        if url is not None:
            shown.append({"key": entry.key, "label": entry.label, "url": url})
    # The longest matching URL marks the current page (the dashboard's "/"
    # matches everything, so it is current only on itself).
    current = max(
        (e for e in shown if request.path == e["url"] or (e["url"] != "/" and request.path.startswith(e["url"]))),
        key=lambda e: len(e["url"]),
        default=None,
    )
    for e in shown:
        e["current"] = e is current
    return shown


class _LazyEntries:
    """Resolved when a template first reads it, so a response that renders
    no bar (a PDF, a redirect) costs no query."""

    def __init__(self, request):
        self.request = request
        self._items = None

    def _resolve(self):
        if self._items is None:
            self._items = visible_entries(self.request)
        return self._items

    def __iter__(self):
        return iter(self._resolve())

    def __len__(self):
        return len(self._resolve())

    def __bool__(self):
        return bool(self._resolve())


def navigation(request) -> dict:
    """Context processor: the product's names and the bar's entries."""
    return {
        "product_name": PRODUCT_NAME,
        "product_full_name": PRODUCT_FULL_NAME,
        "nav_entries": _LazyEntries(request),
    }
