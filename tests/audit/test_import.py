"""Import and export of audits, findings and internal controls."""

import datetime as dt

import pytest

from audit.models import Audit, Finding, InternalControl
from core.importing import records_export, records_import
from tests.audit.factories import AuditFactory
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

AUDITS = (
    "audit_no,kind,unit_code,staff_no,period_start,period_end,completed_date,findings\n"
    "GZ-2009-01,economic_responsibility,5100,L100,2006-01-01,2008-12-31,2009-05-20,2\n"
    "HP-2009-02,管理,5101,,2008-01-01,2008-12-31,,0\n"
)


@pytest.fixture
def leader(tree):
    return OfficerFactory(staff_no="L100", unit=tree["5100"], is_leader=True)


def run(kind, text, user, name="file.csv"):
    return records_import(kind=kind, dataset_or_file=text.encode("utf-8-sig"), file_name=name, acting_user=user)


def test_it_imports_audits_and_reimports_its_export_unchanged(erin, leader):
    outcome = run("audits", AUDITS, erin)
    assert (outcome.succeeded, outcome.created) == (True, 2)
    gz = Audit.objects.get(audit_no="GZ-2009-01")
    assert (gz.kind, gz.unit.code, gz.officer, gz.completed_date, gz.finding_count) == (
        "economic_responsibility",
        "5100",
        leader,
        dt.date(2009, 5, 20),
        2,
    )
    hp = Audit.objects.get(audit_no="HP-2009-02")
    assert (hp.kind, hp.officer, hp.completed_date) == ("management", None, None)
    assert gz.history.first().history_user == erin

    exported = records_export(kind="audits", acting_user=erin).csv
    again = run("audits", exported, erin)
    assert (again.succeeded, again.created, again.updated, again.unchanged) == (True, 0, 0, 2)


def test_it_imports_findings_against_recorded_audits(erin, leader):
    run("audits", AUDITS, erin)
    text = (
        "审计编号,问题描述,整改期限,整改状态\n"
        "GZ-2009-01,招待费超标,2009-08-31,未整改\n"
        "GZ-2009-01,固定资产未入账,2009-09-30,rectified\n"
    )
    outcome = run("audit_findings", text, erin)
    assert (outcome.succeeded, outcome.created) == (True, 2)
    assert list(Finding.objects.order_by("deadline").values_list("description", "status")) == [
        ("招待费超标", "open"),
        ("固定资产未入账", "rectified"),
    ]
    exported = records_export(kind="audit_findings", acting_user=erin).csv
    assert exported.splitlines()[0] == "audit_no,description,deadline,status"
    assert run("audit_findings", exported, erin).unchanged == 2


def test_it_writes_nothing_when_one_row_is_bad(erin, leader, tree):
    AuditFactory(audit_no="TJ-1", unit=tree["0200"])
    text = (
        "audit_no,description,deadline,status\n"
        "TJ-1,天津的问题,2009-08-31,open\n"  # an audit outside erin's grant
        "NO-SUCH,问题,2009-08-31,open\n"
        "GZ-0,问题,2009-02-30,done\n"
    )
    outcome = run("audit_findings", text, erin)
    assert not outcome.succeeded
    problems = {(p.row, p.column) for p in outcome.problems}
    assert {(2, "audit_no"), (3, "audit_no"), (4, "deadline"), (4, "status")} <= problems
    assert not Finding.objects.exists()


def test_it_imports_internal_controls_within_the_grant_only(erin, tree):
    ok = run("internal_controls", "单位编码,建立日期\n5100,2009-12-31\n5101,2010-01-01\n", erin)
    assert (ok.succeeded, ok.created) == (True, 2)
    refused = run("internal_controls", "unit_code,established_date\n0200,2009-01-01\n", erin)
    assert [(p.row, p.column) for p in refused.problems] == [(2, "unit_code")]
    assert set(InternalControl.objects.values_list("unit__code", flat=True)) == {"5100", "5101"}


def test_it_refuses_audit_imports_to_leadership(dora, tree):
    outcome = run("internal_controls", "unit_code,established_date\n5100,2009-01-01\n", dora)
    assert not outcome.succeeded
    assert not InternalControl.objects.exists()


def test_it_exports_from_the_admin_only_what_the_auditor_sees(client, hank, tree):
    from django.urls import reverse

    AuditFactory(audit_no="TJ-1", unit=tree["0200"])
    AuditFactory(audit_no="GZ-1", unit=tree["5100"])
    client.force_login(hank)
    columns = ["audit_no", "kind", "unit_code", "staff_no", "period_start", "period_end", "completed_date", "findings"]
    response = client.post(
        reverse("admin:audit_audit_export"),
        {"resource": "0", "format": "1", "headers": "codes", **{f"auditresource_{c}": "on" for c in columns}},
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(columns)
    assert [line.split(",")[0] for line in lines[1:]] == ["TJ-1"]
