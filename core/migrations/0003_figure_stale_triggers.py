"""A change of the unit tree or its closure table marks every figure
snapshot stale (core/stale_triggers.py)."""

from django.db import migrations

from core.stale_triggers import Marks, operation

MARKS = [Marks("org_unit", None), Marks("org_unitscope", None)]


class Migration(migrations.Migration):
    dependencies = [("core", "0002_figure_snapshot"), ("org", "0001_initial")]

    operations = [operation(MARKS)]
