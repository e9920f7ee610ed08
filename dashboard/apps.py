from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Team-building indicators")

    def ready(self):
        from core.navigation import NavEntry, register

        register(NavEntry("dashboard", _("Dashboard"), "dashboard:dashboard", lambda access: True, order=10))
