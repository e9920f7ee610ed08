from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts and security")

    def ready(self):
        # Connects the login, logout and lockout signals to the security event log.
        # Registers the check of the directory group → grant tables.
        from . import (
            checks,  # noqa: F401
            receivers,  # noqa: F401
        )
