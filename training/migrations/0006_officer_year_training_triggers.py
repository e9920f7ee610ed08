"""Officer-year training totals kept by triggers on the training records,
filled from the records already there (training/totals.py).

SQLite alters a table by rebuilding it, which drops its triggers: a later
migration that alters training_trainingrecord must install these triggers
(and those of 0004_figure_stale_triggers) again after it.
"""

from django.db import migrations

from training.totals import operation


class Migration(migrations.Migration):
    dependencies = [("training", "0005_officer_year_training")]

    operations = [operation()]
