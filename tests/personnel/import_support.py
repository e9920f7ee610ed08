"""Helpers for the import/export tests: files built in memory, a valid
two-row file per kind for alice (HR at 5100), and what "nothing written"
means.

The valid rows refer only to what alice may write: units 5100, 5101, 5102
and the officers working there (``tests/conftest.py``).
"""

import csv
import io

import openpyxl
import pytest
from django.utils import translation

from core.importing import records_import
from core.models import ImportLog
from org.models import Unit, UnitScope
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from training.models import PoliticalWork, TrainingRecord

MODELS = {
    "units": Unit,
    "officers": Officer,
    "postings": Posting,
    "reserve_cadres": ReserveCadre,
    "leader_appraisals": LeaderAppraisal,
    "training": TrainingRecord,
    "political_work": PoliticalWork,
}
KINDS = list(MODELS)


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted word for word; they are translated for zh-hans.
    with translation.override("en"):
        yield


def csv_bytes(headers, rows, bom=False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers] if isinstance(row, dict) else row)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(headers, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_rows(kind, user, headers, rows, *, dry_run=False, name=None, bom=False):
    data = csv_bytes(headers, rows, bom=bom)
    return records_import(
        kind=kind, dataset_or_file=data, file_name=name or f"{kind}.csv", acting_user=user, dry_run=dry_run
    )


def problems(outcome):
    return [(p.row, p.column, p.message) for p in outcome.problems]


def counts(outcome):
    return outcome.created, outcome.updated, outcome.unchanged


def snapshot():
    """Rows in every table an import can write (records, history, scope)."""
    state = {}
    for kind, model in MODELS.items():
        state[kind] = model.objects.count()
        state[f"{kind} history"] = model.history.count()
    state["unit scope"] = UnitScope.objects.count()
    return state


def last_log():
    return ImportLog.objects.order_by("-pk").first()


def valid_rows(kind, officers):
    """Two valid rows of ``kind`` (header order = the canonical columns)."""
    s1, s2 = officers["5101"].staff_no, officers["5102"].staff_no
    return {
        "units": [
            {
                "code": "5103",
                "name": "新港海关",
                "kind": "subordinate",
                "parent_code": "5100",
                "supervisory_office": "",
            },
            {
                "code": "5104",
                "name": "新港海关查验科",
                "kind": "department",
                "parent_code": "5103",
                "supervisory_office": "",
            },
        ],
        "officers": [
            {
                "staff_no": "T0001",
                "name": "张伟",
                "gender": "M",
                "birth_date": "1980-05-01",
                "unit_code": "5101",
                "rank_level": "section",
                "is_leader": "true",
                "position": "科长",
                "hire_date": "2002-07-01",
                "leave_date": "",
            },
            {
                "staff_no": "T0002",
                "name": "李娜",
                "gender": "F",
                "birth_date": "1985-03-12",
                "unit_code": "5102",
                "rank_level": "clerk",
                "is_leader": "false",
                "position": "科员",
                "hire_date": "2008-08-01",
                "leave_date": "",
            },
        ],
        "postings": [
            {
                "staff_no": s1,
                "unit_code": "5101",
                "position": "查验科科长",
                "start_date": "2005-01-01",
                "end_date": "2008-12-31",
                "leadership": "是",
                "grassroots": "否",
                "post_risk": "high",
            },
            {
                "staff_no": s2,
                "unit_code": "5102",
                "position": "查验员",
                "start_date": "2006-03-01",
                "end_date": "",
                "leadership": "false",
                "grassroots": "true",
                "post_risk": "",
            },
        ],
        "reserve_cadres": [
            {"staff_no": s1, "level": "bureau", "added_date": "2010-01-01", "removed_date": ""},
            {"staff_no": s2, "level": "division", "added_date": "2009-06-30", "removed_date": "2011-06-30"},
        ],
        "leader_appraisals": [
            {"year": "2009", "staff_no": s1, "grade": "优秀", "score": "91.5", "comment": "表现突出"},
            {"year": "2009", "staff_no": s2, "grade": "competent", "score": "", "comment": ""},
        ],
        "training": [
            {
                "staff_no": s1,
                "course": "廉政教育",
                "start_date": "2009-03-02",
                "end_date": "2009-03-06",
                "days": "5",
                "mode": "脱产",
            },
            {
                "staff_no": s2,
                "course": "业务培训",
                "start_date": "2009-04-01",
                "end_date": "2009-04-30",
                "days": "11.5",
                "mode": "online",
            },
        ],
        "political_work": [
            {"unit_code": "5101", "date": "2009-06-30", "title": "主题党日", "participants": "35"},
            {"unit_code": "5102", "date": "2009-07-01", "title": "廉政党课", "participants": "12"},
        ],
    }[kind]


def headers_of(kind):
    from core.importing import get_resource_class

    return [c.column_name for c in get_resource_class(kind).columns()]
