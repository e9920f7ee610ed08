"""Writes of the supervision records the indicators count mark the figure
snapshots of their units (and years) stale (core/stale_triggers.py)."""

from django.db import migrations

from core.stale_triggers import Marks, operation

MARKS = [
    Marks("integrity_case", "case"),
    Marks("integrity_caseofficer", "officer"),
    Marks("integrity_integrityappraisal", "unit_id", "year", year_int=True),
    Marks("integrity_survey", "unit_id", "year", year_int=True),
    Marks("integrity_inspection", "unit_id", "date"),
    Marks("integrity_riskpoint", "unit_id"),
    # Past reviews count too (integrity.selectors.reviewed_within).
    Marks("integrity_historicalriskpoint", "unit_id"),
]


class Migration(migrations.Migration):
    dependencies = [("integrity", "0011_case_outcomes_per_officer"), ("core", "0003_figure_stale_triggers")]

    operations = [operation(MARKS)]
