"""Serves the alert desk from a SQLite file with Django's runserver, for
``test_concurrent_readers``: ``python -m tests.accounts.alert_desk_server
DB_FILE PORT KEYS_FILE SESSIONS ALERTS``. The file must hold the migrated schema; this adds
a supervisor with a grant on hq, ALERTS alerts and SESSIONS logged-in sessions
(their keys written to KEYS_FILE, one a line), then serves until killed.
"""

import os
import sys

import django

os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.services import grant_create  # noqa: E402
from org.models import Unit  # noqa: E402
from org.roles import Role  # noqa: E402
from org.services import unit_scope_rebuild  # noqa: E402
from tests.factories import OfficerFactory, UnitFactory, UserFactory  # noqa: E402
from tests.integrity.factories import RiskAlertFactory  # noqa: E402

SESSIONS = int(sys.argv[4])
ALERTS = int(sys.argv[5])


def main(port: str, keys_file: str) -> None:
    hq = UnitFactory(code="0000", name="海关总署", kind=Unit.Kind.HQ, parent=None)
    customs = UnitFactory(code="5100", name="广州海关", kind=Unit.Kind.DIRECT, parent=hq)
    unit_scope_rebuild()
    supervisor = UserFactory(username="desk-reader")
    grant_create(user=supervisor, role=Role.SUPERVISION, unit=hq)
    for n in range(ALERTS):
        RiskAlertFactory(officer=OfficerFactory(unit=customs, name=f"预警关员{n}"))
    keys = []
    for _ in range(SESSIONS):
        client = Client()
        client.force_login(supervisor)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    with open(keys_file, "w") as out:
        out.write("\n".join(keys))
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main(sys.argv[2], sys.argv[3])
