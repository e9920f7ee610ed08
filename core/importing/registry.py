"""KIND -> resource class, filled by each app's ``resources`` module.

Like ``admin.py``, every installed app may have a ``resources.py`` that
declares its record kinds with ``@register``; they are found the first time
the registry is read. An app adds its kinds (cases, audits, ...) by
writing such a module, nothing else.
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

REGISTRY: dict[str, type] = {}
_discovered = False


class UnknownKind(KeyError):
    pass


def register(resource_class):
    kind = resource_class.record_kind
    if not kind:
        raise ValueError(f"{resource_class.__name__} declares no record_kind")
    existing = REGISTRY.get(kind)
    if existing is not None and existing is not resource_class:
        raise ValueError(f"kind {kind!r} is declared twice ({existing.__name__}, {resource_class.__name__})")
    REGISTRY[kind] = resource_class
    return resource_class


def _discover():
    global _discovered
    if not _discovered:
        autodiscover_modules("resources")
        _discovered = True


def kinds() -> list[str]:
    _discover()
    return list(REGISTRY)


def get_resource_class(kind: str):
    _discover()
    try:
        return REGISTRY[kind]
    except KeyError:
        raise UnknownKind(kind) from None
