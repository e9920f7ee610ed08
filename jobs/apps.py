from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Jobs and reminders")

    def ready(self):
        # Each app offers its reminders and daily schedules in its own
        # ``reminders.py`` / ``schedules.py``, found here as the admin finds
        # ``admin.py``: the ground layer imports no app above it.
        autodiscover_modules("reminders")
        autodiscover_modules("schedules")
