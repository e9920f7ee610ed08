from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit and internal control")

    def ready(self):
        from core.navigation import NavEntry, register
        from org.access import AUDIT_PLAN_ROLES

        register(NavEntry("ledger", _("Rectification ledger"), "audit:ledger", lambda access: True, order=40))
        register(NavEntry("plan", _("Audit plan"), "audit:plan", lambda a: a.has_grant(AUDIT_PLAN_ROLES), order=42))
        register(
            NavEntry(
                "composite", _("Composite assessment"), "audit:composite", lambda a: a.may_see_a_composite(), order=44
            )
        )
