"""The database cache's table (settings.CACHES), made by ``migrate``: the
dashboard keeps its rendered pages there and the admin's import preview
keeps its upload there, so a database migrated without ``createcachetable``
would fail on its first dashboard. The command skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_figure_generation")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
