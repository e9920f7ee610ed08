"""Chain the access log: every row gets the hash of the row before it and
its own hash (integrity.access_chain), computed here for the rows already
written, in id order.

The append-only triggers of migration 0002 are lifted for the duration (the
hashes are written with UPDATE); migration 0004 puts a stronger guard back.
"""
import django.utils.timezone
from django.db import migrations, models

from integrity.access_chain import CHAINED_FIELDS, GENESIS, row_hash

TABLE = "integrity_accesslog"
BATCH = 2000

# Migration 0002's guard, dropped on the way forward and restored on the way back.
OLD_GUARD = {
    "sqlite": (
        [
            f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
                BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
            f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
                BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
        ],
        [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;"],
    ),
    "postgresql": (
        [
            f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'the access log is append-only'; END;
                $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse();""",
        ],
        [f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE};", f"DROP FUNCTION IF EXISTS {TABLE}_refuse();"],
    ),
}


def _old_guard(index):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in OLD_GUARD:
            raise NotImplementedError(f"No access-log guard for {vendor}.")
        for statement in OLD_GUARD[vendor][index]:
            schema_editor.execute(statement)

    return run


def chain_existing_rows(apps, schema_editor):
    """Hash the rows in id order, a batch at a time (keyset, no open cursor
    while the table is updated)."""
    AccessLog = apps.get_model("integrity", "AccessLog")
    rows = AccessLog.objects.using(schema_editor.connection.alias).order_by("pk")
    content = [name for name in CHAINED_FIELDS if name != "prev_hash"]
    prev, last_id = GENESIS, 0
    while True:
        batch = list(rows.filter(pk__gt=last_id).values("id", *content)[:BATCH])
        if not batch:
            return
        for row in batch:
            digest = row_hash(prev_hash=prev, **{name: row[name] for name in content})
            rows.filter(pk=row["id"]).update(prev_hash=prev, row_hash=digest)
            prev, last_id = digest, row["id"]


class Migration(migrations.Migration):
    dependencies = [("integrity", "0002_access_log_append_only")]

    operations = [
        migrations.RunPython(_old_guard(1), _old_guard(0)),
        migrations.AddField(
            model_name="accesslog",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous row's hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesslog",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accesslog",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="when"
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
    ]
