"""Writes of audits, internal controls and rectification items mark the
figure snapshots of their units and years stale (core/stale_triggers.py)."""

from django.db import migrations

from core.stale_triggers import Marks, operation

MARKS = [
    Marks("audit_audit", "unit_id", "completed_date"),
    Marks("audit_internalcontrol", "unit_id", "established_date"),
    Marks("audit_rectificationitem", "unit_id", "deadline"),
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_rectification_unit_in_org"), ("core", "0003_figure_stale_triggers")]

    operations = [operation(MARKS)]
