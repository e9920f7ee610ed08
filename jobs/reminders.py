from django.utils.translation import gettext_lazy as _

from .registry import register_reminder
from .services import JOB_FINISHED

register_reminder(JOB_FINISHED, _("My jobs finished or failed"), _("Everyone"), order=900)
