"""Every URL of the project, generated from the URL resolver.

``patterns()`` walks the resolver and yields one ``Pattern`` per view: its
full route as a format string with the names of its parameters, and the
admin of the record kind it belongs to (for the admin's per-kind URLs).
``urls(pattern, values)`` fills the parameters with the values a test offers
for each parameter name, keeping only the URLs that resolve back to the
same view -- so a value a converter refuses is not mistaken for a test.

A new page needs no change here; a new *parameter name* does, and the guard
test fails until ``values`` knows it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Pattern:
    template: str  # "/admin/personnel/officer/%(object_id)s/change/"
    params: tuple[str, ...]
    name: str  # namespaced name, or the template when the view has none
    callback: object
    model_admin: admin.ModelAdmin | None

    @property
    def url_name(self) -> str:
        return self.name.rsplit(":", 1)[-1]


def _format(pattern) -> tuple[str, tuple[str, ...]]:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return ROUTE_PARAM.sub(lambda m: f"%({m['name']})s", route.replace("%", "%%")), tuple(pattern.converters)
    assert isinstance(pattern, RegexPattern), pattern
    # Django's own helper for reversing: the first (simplest) form of the regex.
    fmt, params = normalize(pattern.regex.pattern)[0]
    return fmt, tuple(params)


def _model_admin_for(route_prefix: str):
    for model, model_admin in admin.site._registry.items():
        if route_prefix.endswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return model_admin
    return None


def patterns() -> list[Pattern]:
    found = []

    def walk(entries, prefix, params, namespace):
        for entry in entries:
            fmt, own = _format(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = namespace + [entry.namespace] if entry.namespace else namespace
                walk(entry.url_patterns, prefix + fmt, params + own, ns)
                continue
            template = "/" + prefix + fmt
            name = ":".join(namespace + [entry.name]) if entry.name else template
            found.append(Pattern(template, params + own, name, entry.callback, _model_admin_for("/" + prefix)))

    walk(get_resolver().url_patterns, "", (), [])
    return found


def urls(pattern: Pattern, values: dict) -> list[str]:
    """The pattern filled with every combination of the offered values that
    resolves back to the same view."""
    choices = [values[name](pattern) if callable(values[name]) else values[name] for name in pattern.params]
    out = []
    for combo in itertools.product(*choices):
        url = pattern.template % dict(zip(pattern.params, combo, strict=True))
        try:
            match = resolve(url)
        except Resolver404:
            continue
        if match.func is pattern.callback:
            out.append(url)
    return out
