"""The unit foreign keys of integrity now point at org.Unit (state only).

The table they reference is the same one, renamed by org's first migration;
the database keeps its columns and constraints as they are.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("integrity", "0007_case_evidence"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalinspection",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="historicalintegrityappraisal",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="historicalriskalert",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="historicalsurvey",
                    name="unit",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="inspection",
                    name="unit",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="inspections", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="integrityappraisal",
                    name="unit",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="integrity_appraisals", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="riskalert",
                    name="unit",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="risk_alerts", to="org.unit", verbose_name="unit"),
                ),
                migrations.AlterField(
                    model_name="survey",
                    name="unit",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="surveys", to="org.unit", verbose_name="unit"),
                ),
            ],
            database_operations=[],
        ),
    ]
