"""Writes of training records and political work mark the figure snapshots
of their units and years stale (core/stale_triggers.py)."""

from django.db import migrations

from core.stale_triggers import Marks, operation

MARKS = [
    Marks("training_trainingrecord", "officer", "start_date"),
    Marks("training_politicalwork", "unit_id", "date"),
]


class Migration(migrations.Migration):
    dependencies = [("training", "0003_unit_in_org"), ("core", "0003_figure_stale_triggers")]

    operations = [operation(MARKS)]
