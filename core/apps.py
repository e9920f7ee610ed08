from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
