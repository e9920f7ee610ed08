"""The grant proxy and the directory grants follow the grant table to org.

Proxies and the one-to-one field change only in the migration state: the
table ``org_unituserobjectpermission`` is personnel's, renamed in place.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_directory_grant_two_factor"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Grant"),
                migrations.CreateModel(
                    name="Grant",
                    fields=[],
                    options={
                        "verbose_name": "grant",
                        "verbose_name_plural": "grants",
                        "proxy": True,
                        "default_permissions": (),
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("org.unituserobjectpermission",),
                ),
                migrations.AlterField(
                    model_name="directorygrant",
                    name="grant",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="directory_source",
                        to="org.unituserobjectpermission",
                        verbose_name="grant",
                    ),
                ),
            ],
        ),
    ]
