"""The admin import is a write surface: only HR reaches it, and a row that
would create or change a record outside the grants is refused (the rules
themselves are tested with the import service; here, through the admin)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from personnel.models import Officer
from tests.personnel.access_expectations import PERSONAS, WRITE

pytestmark = pytest.mark.django_db

HEADER = "staff_no,name,gender,birth_date,unit_code,rank_level,is_leader,position,hire_date,leave_date\n"


def _row(staff_no, unit_code, name="新关员"):
    return f"{staff_no},{name},M,1980-01-01,{unit_code},section,false,科员,2003-07-01,\n"


def _upload(client, text):
    page = client.get(reverse("admin:personnel_officer_import"))
    form = page.context["form"]
    csv_index = next(value for value, label in form.fields["format"].choices if str(label).lower() == "csv")
    data = {
        "format": csv_index,
        "import_file": SimpleUploadedFile("officers.csv", text.encode("utf-8"), content_type="text/csv"),
    }
    if "resource" in form.fields:
        data["resource"] = form.fields["resource"].initial or 0
    return client.post(reverse("admin:personnel_officer_import"), data)


@pytest.mark.parametrize("name", PERSONAS)
def test_it_opens_the_officer_import_to_writers_only(client, personas, name):
    client.force_login(personas[name])
    status = client.get(reverse("admin:personnel_officer_import")).status_code
    assert status == (200 if WRITE[name]["officer"] else 403)


def test_it_refuses_import_rows_outside_the_grants_and_writes_nothing(client, personas, world):
    client.force_login(personas["hr@5100"])
    text = HEADER + _row("S8001", "5102") + _row("S8002", "0200") + _row("S0200", "0200", name="改名")
    response = _upload(client, text)
    assert response.status_code == 200
    outcome = response.context["outcome"]
    # Row 2 is fine; row 3 creates in 0200, row 4 changes 0200's officer.
    assert {p.row for p in outcome.problems} == {3, 4}
    assert not Officer.objects.filter(staff_no__in=["S8001", "S8002"]).exists()
    assert Officer.objects.get(staff_no="S0200").name == "天津海关关员"


def test_it_previews_an_import_inside_the_grants(client, personas, world):
    client.force_login(personas["hr@5100"])
    response = _upload(client, HEADER + _row("S8001", "5102"))
    outcome = response.context["outcome"]
    assert (outcome.problems, outcome.created) == ([], 1)
    # A preview is a dry run.
    assert not Officer.objects.filter(staff_no="S8001").exists()
