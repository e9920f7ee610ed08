from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Officers' files")

    def ready(self):
        from core.navigation import NavEntry, register

        # Every signed-in user has a "my records" page (an account without an
        # officer record is told so there).
        register(NavEntry("me", _("My records"), "people:my_records", lambda access: True, order=20))
