"""Unit, its history, UnitScope, the grant tables and ImportLog leave personnel's state.

org's and core's first migrations took them over with their tables and rows;
here personnel's own foreign keys are pointed at org.Unit and the models are
dropped from personnel's state. Nothing in the database changes.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("personnel", "0002_posting_names_its_risk_point"),
        ("org", "0001_initial"),
        ("core", "0001_initial"),
        ("training", "0003_unit_in_org"),
        ("integrity", "0008_unit_in_org"),
        ("audit", "0003_unit_in_org"),
        ("audit", "0004_rectification_unit_in_org"),
        ("integrity", "0009_risk_point_unit_in_org"),
        ("accounts", "0005_directory_grant_points_at_org_grants"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="officer",
                    name="unit",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="officers", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="historicalofficer",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="historicalposting",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="posting",
                    name="unit",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="postings", to="org.unit", verbose_name="unit"),
                ),
                migrations.DeleteModel(name="UnitScope"),
                migrations.DeleteModel(name="UnitUserObjectPermission"),
                migrations.DeleteModel(name="UnitGroupObjectPermission"),
                migrations.DeleteModel(name="HistoricalUnit"),
                migrations.DeleteModel(name="ImportLog"),
                migrations.DeleteModel(name="Unit"),
            ],
            database_operations=[],
        ),
    ]
