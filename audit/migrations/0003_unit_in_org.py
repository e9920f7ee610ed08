"""The unit foreign keys of audit now point at org.Unit (state only).

The table they reference is the same one, renamed by org's first migration;
the database keeps its columns and constraints as they are.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_rectification_ledger_and_evidence"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="audit",
                    name="unit",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="audits", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="historicalaudit",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="historicalinternalcontrol",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="internalcontrol",
                    name="unit",
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="internal_control", to="org.unit", verbose_name="unit"),
                ),
            ],
            database_operations=[],
        ),
    ]
