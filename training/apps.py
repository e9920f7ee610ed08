from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _training_years():
    from django.db.models import Max, Min

    from .models import TrainingRecord

    # MIN/MAX of the bare date column come straight from its index; of its
    # year they would read every training record.
    span = TrainingRecord.objects.aggregate(first=Min("start_date"), last=Max("start_date"))
    return (span["first"] and span["first"].year, span["last"] and span["last"].year)


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Education and training")

    def ready(self):
        from core.dates import register_year_source

        register_year_source("training", _training_years)
