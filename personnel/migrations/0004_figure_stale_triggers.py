"""Writes of officers, postings, reserve cadres and leader appraisals mark the
figure snapshots of the officers' units stale (core/stale_triggers.py)."""

from django.db import migrations

from core.stale_triggers import Marks, operation

MARKS = [
    Marks("personnel_officer", "unit_id"),
    Marks("personnel_posting", "officer"),
    Marks("personnel_reservecadre", "officer"),
    Marks("personnel_leaderappraisal", "officer", "year", year_int=True),
]


class Migration(migrations.Migration):
    dependencies = [("personnel", "0003_moved_to_org_and_core"), ("core", "0003_figure_stale_triggers")]

    operations = [operation(MARKS)]
