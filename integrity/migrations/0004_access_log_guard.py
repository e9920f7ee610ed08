"""The access log refuses every way of rewriting or emptying it that the
database can refuse, whatever the client.

SQLite: UPDATE and DELETE are refused, and so is an INSERT that would meet
an existing row's id or previous-row hash: ``REPLACE INTO`` / ``INSERT OR
REPLACE`` delete the conflicting row before inserting, and that implicit
delete fires no DELETE trigger unless ``recursive_triggers`` is on in the
connection -- which a database administrator's client need not have.

PostgreSQL: UPDATE and DELETE are refused row by row (``INSERT ... ON
CONFLICT DO UPDATE``, the nearest thing to REPLACE, is an UPDATE), and a
statement trigger refuses TRUNCATE while the log has rows, which is also
how ``manage.py flush`` empties tables there.

Either way the guard holds against the application and a careless client;
a database owner can drop it, and the hash chain (migration 0003) is what
finds the edit then.
"""
from django.db import migrations, models

TABLE = "integrity_accesslog"
REFUSAL = "the access log is append-only"

GUARD = {
    "sqlite": (
        [
            f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END;""",
            f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END;""",
            f"""CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE}
                WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id OR prev_hash = NEW.prev_hash)
                BEGIN SELECT RAISE(ABORT, '{REFUSAL}: a new row may not replace or fork from another'); END;""",
        ],
        [
            f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_replace;",
        ],
    ),
    "postgresql": (
        [
            f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '{REFUSAL}'; END;
                $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse();""",
            f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse_truncate() RETURNS trigger AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM {TABLE}) THEN
                        RAISE EXCEPTION '{REFUSAL}: it cannot be truncated';
                    END IF;
                    RETURN NULL;
                END;
                $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
                FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse_truncate();""",
        ],
        [
            f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
            f"DROP FUNCTION IF EXISTS {TABLE}_refuse_truncate();",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE};",
            f"DROP FUNCTION IF EXISTS {TABLE}_refuse();",
        ],
    ),
}


def _guard(index):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in GUARD:
            raise NotImplementedError(f"No access-log guard for {vendor}; add one before using this database.")
        for statement in GUARD[vendor][index]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("integrity", "0003_access_log_chain")]

    operations = [
        migrations.AlterField(
            model_name="accesslog",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="previous row's hash"),
        ),
        migrations.RunPython(_guard(0), _guard(1)),
    ]
