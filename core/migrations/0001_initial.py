"""ImportLog moves from personnel to core (the import engine's own record).

State-only move over personnel's table, then the table is renamed
``core_importlog`` and the content type relabelled, so the log's rows and
any admin log entries about them are kept.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model="importlog").exists() and \
            ContentType.objects.filter(app_label=old, model="importlog").exists():
        raise RuntimeError(f"content types {new}.importlog and {old}.importlog both exist: merge them by hand")
    ContentType.objects.filter(app_label=old, model="importlog").update(app_label=new)


def to_core(apps, schema_editor):
    relabel(apps, "personnel", "core")


def to_personnel(apps, schema_editor):
    relabel(apps, "core", "personnel")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("personnel", "0002_posting_names_its_risk_point"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=30, verbose_name="record kind")),
                        ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                        ("started_at", models.DateTimeField(auto_now_add=True, verbose_name="started at")),
                        ("dry_run", models.BooleanField(default=False, verbose_name="dry run")),
                        ("succeeded", models.BooleanField(default=False, verbose_name="succeeded")),
                        ("created", models.PositiveIntegerField(default=0, verbose_name="created")),
                        ("updated", models.PositiveIntegerField(default=0, verbose_name="updated")),
                        ("unchanged", models.PositiveIntegerField(default=0, verbose_name="unchanged")),
                        ("error_count", models.PositiveIntegerField(default=0, verbose_name="problems")),
                        ("errors", models.TextField(blank=True, verbose_name="problems found")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "import log",
                        "verbose_name_plural": "import logs",
                        "ordering": ["-started_at"],
                        "db_table": "personnel_importlog",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="importlog", table=None),
        migrations.RunPython(to_core, to_personnel),
    ]
