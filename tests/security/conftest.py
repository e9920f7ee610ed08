"""A small service for the side-channel tests, on the tree of tests/conftest.py.

The demo accounts (fixtures/accounts.py) hold their grants on units of this
tree instead of the demo's: admin (superuser), hr (HR at 5100), supervisor
(supervision at 9100: 5100 and 5200 with their subtrees), auditor (audit at
5100), leader (leadership at hq), officer (no grant; officer S5101), and
suspect: supervision at 9100 and himself officer S5100, named in a case, a
complaint and an alert.

Every record carries a text no other record contains (a case number, an
officer's name and staff number, a position, a title), so a response that
shows a record can be caught by that text. Records:

    officer  S5100 苏督察   5100  named in case AJ-SUSPECT-5100, a complaint, an alert
    officer  S5101 欧关员   5101  the officer account; case AJ-OFFICER-5101, a complaint, an alert
    officer  S5102 符备员   5102  HR's reserve cadre
    officer  S5200 深查员   5200  enforcement statistics
    officer  S0200 津门秘员 0200  out of every scope but hq's: case AJ-TIANJIN-0200, complaint,
                                  alert, reserve, posting, training, appraisals

Rectification items 整改R5101 (S5101 responsible) and 整改R0200, each with an
evidence file (材料E…), and an evidence file on each of cases AJ-OFFICER-5101
and AJ-TIANJIN-0200 (笔录C…). Two background jobs, seen by their owner and
the superuser only: 任务J-officer (the officer's) and 任务J-hr (HR's).
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import grant_create
from audit.models import Audit, Finding, InternalControl, RectificationEvidence, RectificationItem
from core.evidence import evidence_fill
from integrity.models import (
    Case,
    CaseEvidence,
    Complaint,
    EnforcementStat,
    Inspection,
    IntegrityAppraisal,
    RiskAlert,
    RiskPoint,
    Survey,
)
from jobs.models import Job
from org.roles import Role
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from tests.conftest import tree_create
from tests.factories import LeaderAppraisalFactory, OfficerFactory, PostingFactory, ReserveCadreFactory, UserFactory
from tests.integrity.factories import (
    ComplaintFactory,
    EnforcementStatFactory,
    InspectionFactory,
    IntegrityAppraisalFactory,
    RiskAlertFactory,
    SurveyFactory,
    case_naming,
)
from tests.shared import KeptTransaction
from training.models import PoliticalWork, TrainingRecord

OFFICERS = {
    "5100": "苏督察",
    "5101": "欧关员",
    "5102": "符备员",
    "5200": "深查员",
    "0200": "津门秘员",
}
PERSONAS = ("admin", "hr", "supervisor", "auditor", "leader", "officer", "suspect")


@dataclass
class Service:
    unit: dict
    officer: dict
    users: dict
    # (model, pk) -> the texts that identify that record
    texts: dict = field(default_factory=dict)
    # record kind -> {"in": pk, "out": pk}: a record in 5101 (or 5100) and one in 0200
    samples: dict = field(default_factory=dict)

    def mark(self, obj, *texts):
        self.texts[(type(obj), obj.pk)] = [str(t) for t in texts]
        return obj


def _training(officer, course):
    return TrainingRecord.objects.create(
        officer=officer,
        course=course,
        start_date=dt.date(2009, 3, 2),
        end_date=dt.date(2009, 3, 6),
        days=5,
        mode=TrainingRecord.Mode.FULL_TIME,
    )


def _evidence(record, name):
    # A PNG (the sweep reads a download as text, and this one carries its mark).
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20 + name.encode()
    evidence_fill(record, upload=SimpleUploadedFile(f"{name}.png", png), description="", acting_user=None)
    record.save()
    return record


@pytest.fixture
def service(tree):
    return service_create(tree)


@pytest.fixture(scope="module")
def kept_service(django_db_setup, django_db_blocker):
    """The tree and the service built once for a module whose tests each run
    in a savepoint on top (tests/shared.py): the URL sweep and the API tests."""
    kept = KeptTransaction(django_db_blocker)
    yield kept.open(lambda: service_create(tree_create()))
    kept.close()


def service_create(tree) -> Service:
    """The records and personas of the module docstring on ``tree``."""
    users = {
        "admin": UserFactory(username="admin", is_superuser=True),
        "hr": UserFactory(username="hr"),
        "supervisor": UserFactory(username="supervisor"),
        "auditor": UserFactory(username="auditor"),
        "leader": UserFactory(username="leader"),
        "officer": UserFactory(username="officer"),
        "suspect": UserFactory(username="suspect"),
    }
    for name, role, code in (
        ("hr", Role.HR, "5100"),
        ("supervisor", Role.SUPERVISION, "9100"),
        ("auditor", Role.AUDIT, "5100"),
        ("leader", Role.LEADERSHIP, "0000"),
        ("suspect", Role.SUPERVISION, "9100"),
    ):
        grant_create(user=users[name], role=role, unit=tree[code])
    s = Service(unit=tree, officer={}, users=users)
    for code, name in OFFICERS.items():
        user = {"5100": users["suspect"], "5101": users["officer"]}.get(code)
        s.officer[code] = s.mark(
            OfficerFactory(staff_no=f"S{code}", name=name, unit=tree[code], user=user), f"S{code}", name
        )
    o = s.officer
    cases = {
        code: s.mark(case_naming(o[code], case_no=f"AJ-{label}-{code}"), f"AJ-{label}-{code}")
        for code, label in (("5100", "SUSPECT"), ("5101", "OFFICER"), ("0200", "TIANJIN"))
    }
    complaints = {code: ComplaintFactory(officer=o[code]) for code in ("5100", "5101", "0200")}
    alerts = {code: RiskAlertFactory(officer=o[code]) for code in ("5100", "5101", "0200")}
    stats = {code: EnforcementStatFactory(officer=o[code]) for code in ("5200", "0200")}
    reserves = {code: ReserveCadreFactory(officer=o[code]) for code in ("5102", "0200")}
    postings = {
        code: s.mark(PostingFactory(officer=o[code], position=f"岗位P{code}"), f"岗位P{code}")
        for code in ("5101", "0200")
    }
    appraisals = {
        code: s.mark(LeaderAppraisalFactory(officer=o[code], comment=f"评语A{code}"), f"评语A{code}")
        for code in ("5101", "0200")
    }
    courses = {code: s.mark(_training(o[code], f"课程C{code}"), f"课程C{code}") for code in ("5101", "0200")}
    works = {
        code: s.mark(
            PoliticalWork.objects.create(
                unit=tree[code], date=dt.date(2009, 7, 1), title=f"活动W{code}", participants=10
            ),
            f"活动W{code}",
        )
        for code in ("5101", "0200")
    }
    integrity = {code: IntegrityAppraisalFactory(unit=tree[code], officer=o.get(code)) for code in ("5101", "0200")}
    inspections = {code: InspectionFactory(unit=tree[code]) for code in ("5101", "0200")}
    surveys = {code: SurveyFactory(unit=tree[code]) for code in ("5101", "0200")}
    audits = {
        code: s.mark(
            Audit.objects.create(
                audit_no=f"SJ-{code}",
                kind=Audit.Kind.ECONOMIC_RESPONSIBILITY,
                unit=tree[code],
                officer=o[code],
                period_start=dt.date(2006, 1, 1),
                period_end=dt.date(2008, 12, 31),
                completed_date=dt.date(2009, 6, 30),
            ),
            f"SJ-{code}",
        )
        for code in ("5101", "0200")
    }
    findings = {
        code: s.mark(
            Finding.objects.create(audit=audits[code], description=f"问题F{code}", deadline=dt.date(2009, 12, 31)),
            f"问题F{code}",
        )
        for code in ("5101", "0200")
    }
    controls = {
        code: InternalControl.objects.create(unit=tree[code], established_date=dt.date(2008, 1, 1))
        for code in ("5101", "0200")
    }
    risk_points = {
        code: s.mark(
            RiskPoint.objects.create(
                unit=tree[code],
                post=f"查验岗{code}",
                name=f"风险点R{code}",
                level=Posting.PostRisk.HIGH,
                last_reviewed=dt.date(2009, 5, 1),
            ),
            f"风险点R{code}",
        )
        for code in ("5101", "0200")
    }
    items = {
        code: s.mark(
            RectificationItem.objects.create(
                source="manual",
                department="audit",
                unit=tree[code],
                officer=o[code],
                description=f"整改R{code}",
                measures="m",
                deadline=dt.date(2009, 12, 31),
            ),
            f"整改R{code}",
        )
        for code in ("5101", "0200")
    }
    item_files = {
        code: s.mark(_evidence(RectificationEvidence(item=items[code]), f"材料E{code}"), f"材料E{code}")
        for code in ("5101", "0200")
    }
    case_files = {
        code: s.mark(_evidence(CaseEvidence(case=cases[code]), f"笔录C{code}"), f"笔录C{code}")
        for code in ("5101", "0200")
    }
    jobs = {
        name: s.mark(
            Job.objects.create(
                owner=users[name], kind="unit_reports", title=f"任务J-{name}", scope="5101", total=1, done=1
            ),
            f"任务J-{name}",
        )
        for name in ("officer", "hr")
    }
    in_code = {Case: "5101", Complaint: "5101", RiskAlert: "5101", EnforcementStat: "5200", ReserveCadre: "5102"}
    for model, records in (
        (Officer, o),
        (Case, cases),
        (Complaint, complaints),
        (RiskAlert, alerts),
        (EnforcementStat, stats),
        (ReserveCadre, reserves),
        (Posting, postings),
        (LeaderAppraisal, appraisals),
        (TrainingRecord, courses),
        (PoliticalWork, works),
        (IntegrityAppraisal, integrity),
        (Inspection, inspections),
        (Survey, surveys),
        (Audit, audits),
        (Finding, findings),
        (InternalControl, controls),
        (RiskPoint, risk_points),
        (RectificationItem, items),
        (RectificationEvidence, item_files),
        (CaseEvidence, case_files),
    ):
        s.samples[model] = {"in": records[in_code.get(model, "5101")].pk, "out": records["0200"].pk}
    s.samples[type(tree["5101"])] = {"in": tree["5101"].pk, "out": tree["0200"].pk}
    # A job is its owner's: "in" the least granted persona's, "out" another's.
    s.samples[Job] = {"in": jobs["officer"].pk, "out": jobs["hr"].pk}
    return s


def hidden_texts(service, user) -> set[str]:
    """The identifying texts of every marked record ``user`` may not read,
    decided by the one scoping layer."""
    marked: dict = {}
    for model, pk in service.texts:
        marked.setdefault(model, set()).add(pk)
    # One query per kind: which of its marked records the user may read.
    readable = {
        (model, pk)
        for model, pks in marked.items()
        for pk in model.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
    }
    return {text for key, texts in service.texts.items() if key not in readable for text in texts}
