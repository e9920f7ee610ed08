from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("Programming interface")

    def ready(self):
        from core.navigation import NavEntry, register

        register(NavEntry("tokens", _("API tokens"), "api:tokens", lambda access: True, order=90))
