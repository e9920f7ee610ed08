"""Unit, its history, UnitScope and the guardian grant tables move from personnel to org.

Nothing is copied: the models appear in org's state over personnel's tables
(``SeparateDatabaseAndState``), the tables are renamed ``org_*`` and the
content types relabelled ``personnel.<model>`` -> ``org.<model>``, so every
row keeps its id and every grant (a ``role_*`` permission on Unit's content
type), history row and admin log entry still points at the same record.
On a fresh database the relabelling finds nothing to do.
"""
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ["unit", "historicalunit", "unitscope", "unituserobjectpermission", "unitgroupobjectpermission"]


def relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    clash = ContentType.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True)
    if clash and ContentType.objects.filter(app_label=old, model__in=list(clash)).exists():
        # Both rows exist: relabelling would break the unique (app_label,
        # model) and silently dropping one would orphan grants; stop instead.
        raise RuntimeError(f"content types {new}.{list(clash)} exist next to {old}.*: merge them by hand")
    ContentType.objects.filter(app_label=old, model__in=MOVED).update(app_label=new)


def to_org(apps, schema_editor):
    relabel(apps, "personnel", "org")


def to_personnel(apps, schema_editor):
    relabel(apps, "org", "personnel")


class Migration(migrations.Migration):

    initial = True

    # After every migration that creates a foreign key to personnel's unit table, so that on a
    # fresh database those tables are created before the rename.
    dependencies = [
        ("accounts", "0004_directory_grant_two_factor"),
        ("audit", "0002_rectification_ledger_and_evidence"),
        ("integrity", "0007_case_evidence"),
        ("personnel", "0002_posting_names_its_risk_point"),
        ("training", "0002_covering_index_for_training_indicators"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Unit",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=20, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("kind", models.CharField(choices=[("hq", "General Administration (HQ)"), ("supervisory_office", "supervisory office"), ("direct", "directly-affiliated customs"), ("subordinate", "subordinate customs (office)"), ("department", "department"), ("college", "college")], max_length=20, verbose_name="kind")),
                        ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="org.unit", verbose_name="parent unit")),
                        ("supervisory_office", models.ForeignKey(blank=True, limit_choices_to={"kind": "supervisory_office"}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="supervised", to="org.unit", verbose_name="supervisory office")),
                    ],
                    options={
                        "verbose_name": "unit",
                        "verbose_name_plural": "units",
                        "ordering": ["code"],
                        "permissions": [("role_hr", "HR grant"), ("role_supervision", "supervision grant"), ("role_audit", "audit grant"), ("role_leadership", "leadership grant")],
                        "db_table": "personnel_unit",
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalUnit",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("code", models.CharField(db_index=True, max_length=20, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("kind", models.CharField(choices=[("hq", "General Administration (HQ)"), ("supervisory_office", "supervisory office"), ("direct", "directly-affiliated customs"), ("subordinate", "subordinate customs (office)"), ("department", "department"), ("college", "college")], max_length=20, verbose_name="kind")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                        ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("parent", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="parent unit")),
                        ("supervisory_office", models.ForeignKey(blank=True, db_constraint=False, limit_choices_to={"kind": "supervisory_office"}, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="org.unit", verbose_name="supervisory office")),
                    ],
                    options={
                        "verbose_name": "historical unit",
                        "verbose_name_plural": "historical units",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                        "db_table": "personnel_historicalunit",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="UnitGroupObjectPermission",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("content_object", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="org.unit")),
                        ("group", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group")),
                        ("permission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission")),
                    ],
                    options={
                        "abstract": False,
                        "db_table": "personnel_unitgroupobjectpermission",
                        "unique_together": {("group", "permission", "content_object")},
                    },
                ),
                migrations.CreateModel(
                    name="UnitScope",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("root", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.unit")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="scope_roots", to="org.unit")),
                    ],
                    options={
                        "db_table": "personnel_unitscope",
                        "indexes": [models.Index(fields=["unit", "root"], name="personnel_u_unit_id_710f5c_idx")],
                        "constraints": [models.UniqueConstraint(fields=("root", "unit"), name="unitscope_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="UnitUserObjectPermission",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("content_object", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="org.unit")),
                        ("permission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "abstract": False,
                        "db_table": "personnel_unituserobjectpermission",
                        "unique_together": {("user", "permission", "content_object")},
                    },
                ),
                migrations.AddConstraint(
                    model_name="unit",
                    constraint=models.UniqueConstraint(condition=models.Q(("kind", "hq")), fields=("kind",), name="unit_single_hq"),
                ),
                migrations.AddConstraint(
                    model_name="unit",
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(("kind", "hq"), ("parent__isnull", True)), models.Q(models.Q(("kind", "hq"), _negated=True), ("parent__isnull", False)), _connector="OR"), name="unit_parent_iff_not_hq"),
                ),
                migrations.AddConstraint(
                    model_name="unit",
                    constraint=models.CheckConstraint(condition=models.Q(("supervisory_office__isnull", True), ("kind", "direct"), _connector="OR"), name="unit_supervised_only_direct"),
                ),
            ],
            database_operations=[],
        ),
        # The tables take org's names; rows, ids and foreign keys stay as they are.
        migrations.AlterModelTable(name="unit", table=None),
        migrations.AlterModelTable(name="historicalunit", table=None),
        migrations.AlterModelTable(name="unitscope", table=None),
        migrations.AlterModelTable(name="unituserobjectpermission", table=None),
        migrations.AlterModelTable(name="unitgroupobjectpermission", table=None),
        migrations.RenameIndex(
            model_name="unitscope", new_name="org_unitsco_unit_id_938886_idx", old_name="personnel_u_unit_id_710f5c_idx",
        ),
        migrations.RunPython(to_org, to_personnel),
    ]
