import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import Audit, Finding, InternalControl
from audit.services import audit_save, finding_set_status, internal_control_save
from personnel.models import Officer
from tests.audit.factories import AuditFactory, FindingFactory, InternalControlFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(tree):
    gz = AuditFactory(audit_no="GZ-1", unit=tree["5100"])
    hp = AuditFactory(audit_no="HP-1", unit=tree["5101"], kind=Audit.Kind.MANAGEMENT)
    sz = AuditFactory(audit_no="SZ-1", unit=tree["5200"])
    tj = AuditFactory(audit_no="TJ-1", unit=tree["0200"])
    for audit in (gz, hp, sz, tj):
        FindingFactory(audit=audit)
        InternalControlFactory(unit=audit.unit)
    return {a.audit_no: a for a in (gz, hp, sz, tj)}


def audit_nos(qs):
    return set(qs.values_list("audit_no", flat=True))


def test_it_shows_auditors_the_records_of_their_scope_only(erin, gina, hank, records):
    assert audit_nos(Audit.objects.visible_to(erin)) == {"GZ-1", "HP-1"}
    assert audit_nos(Audit.objects.visible_to(gina)) == {"GZ-1", "HP-1", "SZ-1"}
    assert audit_nos(Audit.objects.visible_to(hank)) == {"TJ-1"}
    assert set(Finding.objects.visible_to(erin).values_list("audit__audit_no", flat=True)) == {"GZ-1", "HP-1"}
    assert set(InternalControl.objects.visible_to(hank).values_list("unit__code", flat=True)) == {"0200"}


def test_it_lets_auditors_read_officer_profiles_but_not_careers(erin, officers):
    assert set(Officer.objects.visible_to(erin).values_list("unit__code", flat=True)) == {"5100", "5101", "5102"}
    assert Officer.objects.editable_by(erin).count() == 0


def test_it_hides_audits_from_hr_and_supervision(alice, bob, records):
    assert Audit.objects.visible_to(alice).count() == 0
    assert Audit.objects.visible_to(bob).count() == 0
    assert InternalControl.objects.visible_to(bob).count() == 0


def test_it_keeps_leadership_read_only(dora, records):
    assert Audit.objects.visible_to(dora).count() == 4
    assert Finding.objects.visible_to(dora).count() == 4
    assert Audit.objects.editable_by(dora).count() == 0
    audit = records["GZ-1"]
    audit.finding_count = 3
    with pytest.raises(PermissionDenied):
        audit_save(audit=audit, acting_user=dora)


def test_it_refuses_a_write_outside_the_auditors_grant(erin, tree):
    with pytest.raises(PermissionDenied):
        internal_control_save(
            control=InternalControl(unit=tree["0200"], established_date=dt.date(2009, 1, 1)), acting_user=erin
        )
    assert InternalControl.objects.count() == 0


def test_it_refuses_moving_an_audit_out_of_the_grant(erin, records, tree):
    audit = Audit.objects.get(audit_no="GZ-1")
    audit.unit = tree["0200"]
    with pytest.raises(PermissionDenied):
        audit_save(audit=audit, acting_user=erin)
    assert Audit.objects.get(audit_no="GZ-1").unit.code == "5100"


def test_it_keeps_who_changed_a_finding(erin, records):
    finding = Finding.objects.get(audit__audit_no="HP-1")
    finding_set_status(finding=finding, status=Finding.Status.RECTIFIED, acting_user=erin)
    latest = finding.history.first()
    assert (latest.status, latest.history_user) == ("rectified", erin)


def test_it_rejects_an_audited_period_that_ends_before_it_starts(erin, tree):
    audit = Audit(
        audit_no="BAD",
        kind=Audit.Kind.MANAGEMENT,
        unit=tree["5100"],
        period_start=dt.date(2008, 1, 1),
        period_end=dt.date(2007, 12, 31),
    )
    with pytest.raises(ValidationError) as caught:
        audit_save(audit=audit, acting_user=erin)
    assert "period_end" in caught.value.message_dict
    assert not Audit.objects.exists()


def test_it_answers_404_in_the_admin_for_an_audit_outside_the_grant(client, erin, records):
    client.force_login(erin)
    mine = client.get(reverse("admin:audit_audit_change", args=[records["GZ-1"].pk]))
    theirs = client.get(reverse("admin:audit_audit_change", args=[records["TJ-1"].pk]))
    assert mine.status_code == 200
    assert theirs.status_code == 404


def test_it_lists_only_scoped_findings_in_the_admin(client, hank, records):
    client.force_login(hank)
    response = client.get(reverse("admin:audit_finding_changelist"))
    assert response.status_code == 200
    assert [f.audit.audit_no for f in response.context["cl"].result_list] == ["TJ-1"]


def test_it_lets_an_auditor_add_an_audit_with_findings_in_the_admin(client, erin, officers, tree):
    client.force_login(erin)
    leader = officers["5101"]
    response = client.post(
        reverse("admin:audit_audit_add"),
        {
            "audit_no": "GZ-2009-01",
            "kind": "economic_responsibility",
            "unit": tree["5101"].pk,
            "officer": leader.pk,
            "period_start": "2006-01-01",
            "period_end": "2008-12-31",
            "completed_date": "2009-05-20",
            "finding_count": "1",
            "findings-TOTAL_FORMS": "1",
            "findings-INITIAL_FORMS": "0",
            "findings-MIN_NUM_FORMS": "0",
            "findings-MAX_NUM_FORMS": "1000",
            "findings-0-description": "招待费超标",
            "findings-0-deadline": "2009-08-31",
            "findings-0-status": "open",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    audit = Audit.objects.get(audit_no="GZ-2009-01")
    assert (audit.officer, audit.history.first().history_user) == (leader, erin)
    assert list(audit.findings.values_list("description", "status")) == [("招待费超标", "open")]
    assert audit.findings.get().history.first().history_user == erin


def test_it_refuses_an_audit_on_a_unit_outside_the_grant_in_the_admin(client, erin, tree):
    client.force_login(erin)
    response = client.post(
        reverse("admin:audit_audit_add"),
        {
            "audit_no": "TJ-X",
            "kind": "management",
            "unit": tree["0200"].pk,
            "period_start": "2006-01-01",
            "period_end": "2008-12-31",
            "finding_count": "0",
            "findings-TOTAL_FORMS": "0",
            "findings-INITIAL_FORMS": "0",
            "findings-MIN_NUM_FORMS": "0",
            "findings-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not Audit.objects.exists()
