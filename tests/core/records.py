"""A small service with records of every import kind, for the export tests."""

import datetime as dt
from decimal import Decimal

from audit.models import Audit, Finding
from integrity.models import Case, CaseOfficer, IntegrityAppraisal, RiskPoint
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from tests.audit.factories import AuditFactory, FindingFactory, InternalControlFactory
from tests.conftest import tree_create
from tests.factories import LeaderAppraisalFactory, OfficerFactory, PostingFactory, ReserveCadreFactory
from tests.integrity.factories import (
    ComplaintFactory,
    EnforcementStatFactory,
    InspectionFactory,
    IntegrityAppraisalFactory,
    RiskPointFactory,
    SurveyFactory,
    case_naming,
)
from training.models import PoliticalWork, TrainingRecord

#: text a spreadsheet would run as a formula, in a text column of three kinds
TRICKY = ["=1+1", "+cmd", "-2", "@SUM(1)", "'quoted"]


def every_kind_service():
    """A small service with records of every kind, every choice and yes/no
    value, empty optional cells, and text a spreadsheet would run as a
    formula in the officers', training, case and unit files."""
    tree = tree_create()
    tree["5102"].name = "-查验科"
    tree["5102"].save()
    people = [
        OfficerFactory(
            unit=tree[code],
            position=text,
            gender=gender,
            is_leader=n % 2 == 0,
            rank_level=rank,
            leave_date=dt.date(2009, 12, 31) if n == 0 else None,
        )
        for n, (code, text, gender, rank) in enumerate(
            zip(
                ("5100", "5101", "5102", "5200", "0200"),
                TRICKY,
                "MFMFM",
                [*Officer.RankLevel.values, Officer.RankLevel.CLERK],
                strict=True,
            )
        )
    ]
    for n, (officer, mode) in enumerate(
        zip(people, [*TrainingRecord.Mode.values, "online", "in_service"], strict=True)
    ):
        TrainingRecord.objects.create(
            officer=officer,
            course=TRICKY[n],
            start_date=dt.date(2009, 5, 4),
            end_date=dt.date(2009, 5, 6),
            days=Decimal("2.5") if n % 2 else 3,
            mode=mode,
        )
        PostingFactory(officer=officer, grassroots=n % 2 == 1, post_risk=Posting.PostRisk.values[n % 3])
        ComplaintFactory(officer=officer, substantiated=[None, True, False][n % 3])
    for level, officer in zip(ReserveCadre.Level.values, people, strict=False):
        ReserveCadreFactory(officer=officer, level=level)
    for grade, officer in zip(LeaderAppraisal.Grade.values, people, strict=False):
        LeaderAppraisalFactory(officer=officer, grade=grade, score=Decimal("88.5"), comment="+好")
    PoliticalWork.objects.create(unit=tree["5100"], date=dt.date(2009, 7, 1), title="=主题党日", participants=30)
    EnforcementStatFactory(officer=people[1])
    for n, result in enumerate(IntegrityAppraisal.Result.values):
        IntegrityAppraisalFactory(unit=tree["5100"], officer=people[0] if n else None, result=result)
    InspectionFactory(unit=tree["5100"], passed=False, note="@note")
    SurveyFactory(unit=tree["5200"])
    RiskPointFactory(unit=tree["5100"], responsible_leader=people[0], level=RiskPoint.Level.LOW)
    RiskPointFactory(unit=tree["5200"], last_reviewed=None, manifestation="-x")
    for n, kind in enumerate(Audit.Kind.values):
        audit = AuditFactory(unit=tree["5100"], officer=people[0] if n else None, kind=kind)
        for status in Finding.Status.values[: n + 1]:
            FindingFactory(audit=audit, status=status)
    InternalControlFactory(unit=tree["5100"])
    for n, (category, status) in enumerate(zip(Case.Category.values, Case.Status.values, strict=False)):
        case = case_naming(*people[n : n + 2], case_no=f"=AJ-{n}", category=category, status=status)
        CaseOfficer.objects.filter(case=case).update(sanction=TRICKY[n])
