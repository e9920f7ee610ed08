from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _appraisal_years():
    from django.db.models import Max, Min

    from .models import LeaderAppraisal

    span = LeaderAppraisal.objects.aggregate(first=Min("year"), last=Max("year"))
    return span["first"], span["last"]


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = _("Personnel")

    def ready(self):
        from core.dates import register_year_source

        register_year_source("appraisals", _appraisal_years)
