"""The admin's import preview and confirm, and its export, for scoped users."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importing.admin import UploadCacheStorage
from core.models import ImportLog
from personnel.models import Officer
from tests.personnel.import_support import (  # noqa: F401 (english is an autouse fixture)
    csv_bytes,
    english,
    headers_of,
    snapshot,
    valid_rows,
    xlsx_bytes,
)
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:personnel_officer_import")
CONFIRM = reverse("admin:personnel_officer_process_import")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def upload(client, url, name, data):
    # Format 0 is CSV, 1 is XLSX; the file's extension decides in the end.
    return client.post(url, {"import_file": SimpleUploadedFile(name, data), "format": "0", "resource": "0"})


def test_it_previews_then_imports_with_the_users_grants(as_user, alice, officers):
    client = as_user(alice)
    data = csv_bytes(headers_of("officers"), valid_rows("officers", officers), bom=True)

    preview = upload(client, IMPORT, "关员.csv", data)

    assert preview.status_code == 200
    assert "关员.csv: 2 rows checked. Confirming will create 2, update 0 and leave 0 unchanged." in preview.text
    assert Officer.objects.filter(staff_no__startswith="T").count() == 0
    confirm_form = preview.context["confirm_form"]

    done = client.post(
        CONFIRM,
        {name: confirm_form.initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")},
    )

    assert done.status_code == 302 and done.url == reverse("admin:personnel_officer_changelist")
    assert set(Officer.objects.filter(staff_no__startswith="T").values_list("staff_no", "unit__code")) == {
        ("T0001", "5101"),
        ("T0002", "5102"),
    }
    assert set(Officer.history.filter(staff_no__startswith="T").values_list("history_user__username", flat=True)) == {
        "alice"
    }
    assert list(ImportLog.objects.order_by("pk").values_list("user__username", "file_name", "dry_run", "created")) == [
        ("alice", "关员.csv", True, 2),
        ("alice", "关员.csv", False, 2),
    ]
    # The upload waited in the cache and is gone after the confirm.
    assert UploadCacheStorage(name=confirm_form.initial["import_file_name"]).read() is None


def test_it_lists_every_problem_and_writes_nothing_for_charlie_on_5100(as_user, charlie, officers):
    client = as_user(charlie)
    rows = valid_rows("officers", officers)
    rows[0]["unit_code"] = "5100"
    before = snapshot()

    response = upload(client, IMPORT, "gz.csv", csv_bytes(headers_of("officers"), rows))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert "gz.csv: 2 problems found; nothing was imported." in response.text
    assert [p.display() for p in response.context["problems"]] == [
        "row 2, column unit_code: “5100” is unknown or outside your grants.",
        "row 3, column unit_code: “5102” is unknown or outside your grants.",
    ]
    assert "<td>2</td><td>unit_code</td><td>“5100” is unknown or outside your grants.</td>" in response.text
    assert snapshot() == before
    assert ImportLog.objects.get().user == charlie


def test_it_reports_an_unreadable_upload_and_logs_it(as_user, alice, tree):
    response = upload(as_user(alice), IMPORT, "o.xlsx", b"PK\x03\x04 broken")

    assert [p.display() for p in response.context["problems"]] == [
        "row 1, column -: The file is not a readable .xlsx workbook."
    ]
    assert ImportLog.objects.get().file_name == "o.xlsx"


def test_it_refuses_a_confirm_with_someone_elses_upload(as_user, alice, charlie, officers, client):
    data = csv_bytes(headers_of("officers"), valid_rows("officers", officers))
    preview = upload(as_user(alice), IMPORT, "o.csv", data)
    initial = preview.context["confirm_form"].initial

    client.force_login(charlie)
    response = client.post(
        CONFIRM, {name: initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")}
    )

    assert response.status_code == 302 and response.url == IMPORT
    assert Officer.objects.filter(staff_no__startswith="T").count() == 0


def test_it_imports_training_from_xlsx_in_the_admin(as_user, alice, officers):
    client = as_user(alice)
    url = reverse("admin:training_trainingrecord_import")
    rows = valid_rows("training", officers)

    preview = upload(client, url, "t.xlsx", xlsx_bytes(headers_of("training"), rows))
    initial = preview.context["confirm_form"].initial
    client.post(
        reverse("admin:training_trainingrecord_process_import"),
        {name: initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")},
    )

    assert TrainingRecord.objects.count() == 2


def test_it_refuses_the_import_page_without_an_hr_grant(as_user, bob, tree):
    assert as_user(bob).get(IMPORT).status_code == 403


def test_it_exports_only_visible_rows_from_the_admin(as_user, alice, officers):
    client = as_user(alice)

    response = client.post(
        reverse("admin:personnel_officer_export"),
        {
            "format": "1",
            "headers": "codes",
            "resource": "0",
            **{f"officerresource_{h}": "on" for h in headers_of("officers")},
        },
    )

    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(headers_of("officers"))
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(
        officers[c].staff_no for c in ("5100", "5101", "5102")
    )


def test_it_keeps_the_upload_of_its_owner_when_someone_else_tries_it(as_user, alice, charlie, officers, client):
    preview = upload(
        as_user(alice), IMPORT, "o.csv", csv_bytes(headers_of("officers"), valid_rows("officers", officers))
    )
    initial = {
        name: preview.context["confirm_form"].initial[name]
        for name in ("import_file_name", "original_file_name", "format", "resource")
    }
    client.force_login(charlie)
    client.post(CONFIRM, initial)

    client.force_login(alice)
    done = client.post(CONFIRM, initial)

    assert done.status_code == 302 and done.url == reverse("admin:personnel_officer_changelist")
    assert Officer.objects.filter(staff_no__startswith="T").count() == 2
