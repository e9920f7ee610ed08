from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrity"
    verbose_name = _("Integrity and supervision")

    def ready(self):
        from core.navigation import NavEntry, register

        register(
            NavEntry(
                "alerts", _("Integrity-risk alerts"), "integrity:alert_list", lambda a: a.may_see_alerts(), order=30
            )
        )
