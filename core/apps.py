from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

THIRD_PARTY_APP_NAMES = {
    "guardian": _("Object permissions"),
    "axes": _("Login lockout"),
    "import_export": _("Import and export"),
    "simple_history": _("Change history"),
    "csp": _("Content security policy"),
    "django_otp": _("Two-factor authentication"),
    "otp_totp": _("Authenticator devices"),
    "rest_framework": _("Programming interface framework"),
    "drf_spectacular": _("Interface documentation"),
    "drf_spectacular_sidecar": _("Interface documentation assets"),
    "django_tasks": _("Background tasks"),
    "django_tasks_database": _("Background task results"),
    "django_rq": _("Background task queue"),
}


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = _("Imports")

    def ready(self):
        from django.contrib import admin

        from .navigation import PRODUCT_FULL_NAME, PRODUCT_NAME, NavEntry, register

        # The admin carries the product's names (its bar is the site's, see
        # templates/admin/base_site.html).
        admin.site.site_header = PRODUCT_FULL_NAME
        admin.site.site_title = PRODUCT_NAME
        admin.site.index_title = _("Records")
        register(NavEntry("records", _("Records"), "admin:index", lambda access: access.user.is_staff, order=80))
        # The libraries name their apps in English only (the label, title-cased);
        # the admin shows these names beside permissions and content types.
        from django.apps import apps

        for label, name in THIRD_PARTY_APP_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
