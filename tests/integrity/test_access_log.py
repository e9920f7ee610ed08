"""The append-only access log and the admin surfaces that write it."""

import io

import openpyxl
import pytest
from django.db import DatabaseError, transaction

from integrity.admin import CaseAdmin
from integrity.models import AccessLog, Case
from integrity.services import access_log_record

from .factories import ComplaintFactory, EnforcementStatFactory, InspectionFactory, case_naming

pytestmark = pytest.mark.django_db


def _logged(user):
    return list(AccessLog.objects.filter(user=user).order_by("pk").values_list("action", "record_kind", "object_ids"))


def test_it_refuses_update_and_delete_in_the_database(bob):
    entry = access_log_record(user=bob, action=AccessLog.Action.VIEW, model=Case, object_ids=[7], path="shell")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(username="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.object_ids = "8"
        entry.save()
    entry.refresh_from_db()
    assert (entry.username, entry.object_ids, entry.record_count) == ("bob", "7", 1)


def test_it_logs_the_case_list_with_the_ids_shown(client, bob, officers):
    gz = case_naming(officers["5100"])
    sz = case_naming(officers["5201"])
    case_naming(officers["0200"])
    client.force_login(bob)
    response = client.get("/admin/integrity/case/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    entry = AccessLog.objects.get(user=bob)
    assert (entry.action, entry.record_kind) == ("list", "integrity.case")
    assert set(entry.object_ids.split(",")) == {str(gz.pk), str(sz.pk)}
    assert (entry.record_count, entry.ip_address, entry.path) == (2, "10.1.2.3", "/admin/integrity/case/")


def test_it_logs_each_change_page_and_history_page_read(client, bob, officers):
    case = case_naming(officers["5100"])
    complaint = ComplaintFactory(officer=officers["5101"])
    client.force_login(bob)
    assert client.get(f"/admin/integrity/case/{case.pk}/change/").status_code == 200
    assert client.get(f"/admin/integrity/case/{case.pk}/history/").status_code == 200
    assert client.get(f"/admin/integrity/complaint/{complaint.pk}/change/").status_code == 200
    assert _logged(bob) == [
        ("view", "integrity.case", str(case.pk)),
        ("view", "integrity.case", str(case.pk)),
        ("view", "integrity.complaint", str(complaint.pk)),
    ]


def test_it_answers_404_for_a_case_out_of_scope_or_naming_the_reader_and_logs_nothing(client, bob, frank, officers):
    tianjin = case_naming(officers["0200"])
    franks_own = case_naming(frank.officer)
    client.force_login(bob)
    assert client.get(f"/admin/integrity/case/{tianjin.pk}/change/").status_code == 404
    client.force_login(frank)
    assert client.get(f"/admin/integrity/case/{franks_own.pk}/change/").status_code == 404
    assert client.get(f"/admin/integrity/case/{franks_own.pk}/history/").status_code == 404
    response = client.get("/admin/integrity/case/")
    assert list(response.context["cl"].result_list) == []
    assert AccessLog.objects.filter(object_ids__in=[str(tianjin.pk), str(franks_own.pk)]).count() == 0


def test_it_keeps_cases_complaints_and_statistics_from_leadership_and_hr_in_the_admin(client, dora, alice, officers):
    case = case_naming(officers["5100"])
    complaint = ComplaintFactory(officer=officers["5100"])
    stat = EnforcementStatFactory(officer=officers["5100"])
    InspectionFactory(unit=officers["5100"].unit)
    for user in (dora, alice):
        client.force_login(user)
        for kind, pk in (("case", case.pk), ("complaint", complaint.pk), ("enforcementstat", stat.pk)):
            assert client.get(f"/admin/integrity/{kind}/").status_code == 403
            assert client.get(f"/admin/integrity/{kind}/{pk}/change/").status_code in (403, 404)
            assert client.get(f"/admin/integrity/{kind}/export/").status_code == 403
    client.force_login(dora)
    index = client.get("/admin/").content.decode()
    assert "/admin/integrity/inspection/" in index
    assert "/admin/integrity/case/" not in index and "/admin/integrity/complaint/" not in index
    assert AccessLog.objects.count() == 0


def test_it_logs_an_export_with_every_record_exported(client, bob, officers, monkeypatch):
    monkeypatch.setattr(CaseAdmin, "skip_export_form", True)
    gz = case_naming(officers["5100"])
    case_naming(officers["0200"])
    client.force_login(bob)
    response = client.get("/admin/integrity/case/export/")
    assert response.status_code == 200
    # Without the form, the first format: the workbook.
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [gz.case_no]
    (entry,) = AccessLog.objects.filter(action="export")
    assert (entry.username, entry.record_kind, entry.object_ids) == ("bob", "integrity.case", str(gz.pk))


def test_it_does_not_log_records_that_are_not_need_to_know(client, bob, tree):
    inspection = InspectionFactory(unit=tree["5100"])
    client.force_login(bob)
    assert client.get(f"/admin/integrity/inspection/{inspection.pk}/change/").status_code == 200
    assert AccessLog.objects.count() == 0


def test_it_shows_the_access_log_to_hq_supervision_only_and_to_nobody_for_editing(client, erin, bob, officers):
    case = case_naming(officers["5100"])
    client.force_login(bob)
    client.get(f"/admin/integrity/case/{case.pk}/change/")
    entry = AccessLog.objects.get()
    assert client.get("/admin/integrity/accesslog/").status_code == 403
    assert client.get(f"/admin/integrity/accesslog/{entry.pk}/change/").status_code == 403
    client.force_login(erin)
    response = client.get("/admin/integrity/accesslog/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [entry]
    page = client.get(f"/admin/integrity/accesslog/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"/admin/integrity/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def _case_form(officer_pk, case_no="AJ-NEW"):
    return {
        "case_no": case_no,
        "opened_date": "2009-12-01",
        "involved-TOTAL_FORMS": "1",
        "involved-INITIAL_FORMS": "0",
        "involved-MIN_NUM_FORMS": "0",
        "involved-MAX_NUM_FORMS": "1000",
        "involved-0-officer": str(officer_pk),
        "involved-0-category": "discipline",
        "involved-0-status": "open",
        "involved-0-sanction": "",
    }


def test_it_lets_supervision_open_a_case_naming_an_officer_in_its_scope_only(client, bob, officers):
    client.force_login(bob)
    assert client.get("/admin/integrity/case/add/").status_code == 200
    refused = client.post("/admin/integrity/case/add/", _case_form(officers["0200"].pk, "AJ-TJ"))
    assert refused.status_code == 200 and not Case.objects.filter(case_no="AJ-TJ").exists()
    created = client.post("/admin/integrity/case/add/", _case_form(officers["5101"].pk))
    assert created.status_code == 302
    case = Case.objects.get(case_no="AJ-NEW")
    assert list(case.involved.values_list("officer", flat=True)) == [officers["5101"].pk]
    assert case.history.get().history_user == bob
