"""Import and export of the supervision kinds (data-formats.md)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from core.importing import records_export, records_import
from integrity.models import AccessLog, Complaint, EnforcementStat, IntegrityAppraisal, Survey

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _csv(text):
    return text.encode("utf-8-sig")


def _import(kind, text, user=None):
    return records_import(kind=kind, dataset_or_file=_csv(text), file_name=f"{kind}.csv", acting_user=user)


def test_it_imports_complaints_with_chinese_headers_and_round_trips(officers):
    staff = officers["5101"].staff_no
    outcome = _import("complaints", f"工号,收到日期,是否属实\n{staff},2009-03-01,\n{staff},2009-06-01,否\n")
    assert (outcome.succeeded, outcome.created) == (True, 2)
    assert list(Complaint.objects.order_by("received_date").values_list("substantiated", flat=True)) == [None, False]
    exported = records_export(kind="complaints")
    assert exported.headers == ["staff_no", "received_date", "substantiated"]
    again = records_import(
        kind="complaints", dataset_or_file=exported.export("csv").encode(), file_name="again.csv", acting_user=None
    )
    assert (again.succeeded, again.created, again.updated, again.unchanged) == (True, 0, 0, 2)


def test_it_reads_and_writes_enforcement_months_as_yyyy_mm(officers):
    staff = officers["5200"].staff_no
    outcome = _import("enforcement_stats", f"staff_no,month,declarations,overrides\n{staff},2009-06,120,6\n")
    assert outcome.succeeded
    assert EnforcementStat.objects.get().month == dt.date(2009, 6, 1)
    assert records_export(kind="enforcement_stats").dict == [
        {"staff_no": staff, "month": "2009-06", "declarations": "120", "overrides": "6"}
    ]


def test_it_refuses_a_bad_file_naming_row_and_column_and_writes_nothing(officers, tree):
    text = "unit_code,year,respondents,satisfied\n5100,2009,100,90\n5101,2009,100,101\n9999,2009,10,1\n"
    outcome = _import("surveys", text)
    assert [str(p) for p in outcome.problems] == [
        "row 3, column satisfied: Satisfied cannot be more than respondents.",
        "row 4, column unit_code: “9999” is unknown or outside your grants.",
    ]
    assert Survey.objects.count() == 0
    bad_month = _import(
        "enforcement_stats", f"staff_no,month,declarations,overrides\n{officers['5100'].staff_no},2009-13,1,0\n"
    )
    assert [str(p) for p in bad_month.problems] == ["row 2, column month: “2009-13” is not a month written as YYYY-MM."]


def test_it_imports_team_and_member_integrity_appraisals(officers, tree):
    staff = officers["5100"].staff_no
    outcome = _import(
        "integrity_appraisals", f"year,unit_code,staff_no,result\n2009,5100,,pass\n2009,5100,{staff},不合格\n"
    )
    assert (outcome.succeeded, outcome.created) == (True, 2)
    assert set(IntegrityAppraisal.objects.values_list("officer__staff_no", "result")) == {
        (None, "pass"),
        (staff, "fail"),
    }


def test_it_limits_supervision_imports_to_its_scope(bob, officers, tree):
    outcome = _import(
        "inspections", "unit_code,date,passed,note\n5101,2009-05-01,是,\n0200,2009-05-01,true,\n", user=bob
    )
    assert [str(p) for p in outcome.problems] == ["row 3, column unit_code: “0200” is unknown or outside your grants."]


def test_it_logs_every_export_of_a_need_to_know_kind(bob, officers):
    mine = ComplaintFactory(officer=officers["5100"])
    ComplaintFactory(officer=officers["0200"])
    resource_export = records_export(kind="complaints", acting_user=bob)
    assert len(resource_export) == 1
    entry = AccessLog.objects.get()
    # records_export hands its acting user to the resource, so the log names them.
    assert (entry.action, entry.record_kind, entry.object_ids, entry.username) == (
        "export",
        "integrity.complaint",
        str(mine.pk),
        "bob",
    )


def test_it_logs_the_export_command(officers, tmp_path):
    ComplaintFactory(officer=officers["5100"])
    call_command("export_records", "complaints", str(tmp_path / "c.csv"), stdout=io.StringIO(), stderr=io.StringIO())
    entry = AccessLog.objects.get()
    assert (entry.action, entry.record_count, entry.path) == ("export", 1, "export_records")


def test_it_reimports_an_integrity_appraisal_file_with_a_team_row_unchanged(officers, tree):
    text = f"year,unit_code,staff_no,result\n2009,5100,,pass\n2009,5100,{officers['5100'].staff_no},pass\n"
    assert _import("integrity_appraisals", text).succeeded
    again = _import("integrity_appraisals", text)
    assert [str(p) for p in again.problems] == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
