"""Start-up check of the directory group → grant tables, so a typing mistake
in LDAP_GRANT_MAP or OIDC_GRANT_MAP stops the start (``manage.py check``,
``runserver``, ``migrate``) instead of the first directory login."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .directory import grant_map_parse


@checks.register(checks.Tags.security)
def grant_maps_check(app_configs=None, **kwargs):
    errors = []
    for setting in ("LDAP_GRANT_MAP", "OIDC_GRANT_MAP"):
        try:
            grant_map_parse(getattr(settings, setting, ()), setting=setting)
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), id="accounts.E001"))
    return errors
