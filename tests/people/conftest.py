"""An officer with a full career on the shared tree (tests/conftest.py), and
the personas that read it.

The officer 王五 (S5101W) works at 5101 黄埔海关 and is a division-level
leader. Personas: alice HR at 5100, bob supervision at 9100, dora
leadership at hq, charlie HR at 0200 (outside), gina audit at 5100, and
wang, the account linked to 王五 himself.
"""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.services import grant_create
from audit.models import Audit
from org.roles import Role
from personnel.models import Officer
from tests.factories import LeaderAppraisalFactory, OfficerFactory, PostingFactory, ReserveCadreFactory, UserFactory
from tests.integrity.factories import ComplaintFactory, IntegrityAppraisalFactory, RiskAlertFactory, case_naming
from training.models import TrainingRecord


@pytest.fixture
def gina(tree):
    user = UserFactory(username="gina")
    grant_create(user=user, role=Role.AUDIT, unit=tree["5100"])
    return user


@pytest.fixture
def wang_user(tree):
    return UserFactory(username="wang")


def training(officer, course, start, days, mode=TrainingRecord.Mode.IN_SERVICE):
    return TrainingRecord.objects.create(
        officer=officer,
        course=course,
        start_date=start,
        end_date=start + dt.timedelta(days=int(Decimal(days)) + 1),
        days=Decimal(days),
        mode=mode,
    )


@pytest.fixture
def career(tree, wang_user):
    """王五's file. By hand: training in 2009 is 8 + 5 = 13 days (meets 12);
    in 2008, 4 days (short). Full-time days 2005-2009: 30 (2006) + 40 (2008)
    + 5 (2009) = 75 < 90; in 2004, 50 more full-time days fall outside the
    window of 2009."""
    wang = OfficerFactory(
        staff_no="S5101W",
        name="王五",
        unit=tree["5101"],
        is_leader=True,
        rank_level=Officer.RankLevel.DIVISION,
        position="副关长",
        hire_date=dt.date(1998, 7, 1),
        user=wang_user,
    )
    PostingFactory(
        officer=wang,
        unit=tree["5102"],
        position="查验岗",
        start_date=dt.date(2000, 1, 1),
        end_date=dt.date(2004, 6, 30),
        grassroots=True,
        post_risk="high",
    )
    PostingFactory(
        officer=wang,
        unit=tree["5101"],
        position="副关长",
        start_date=dt.date(2004, 7, 1),
        leadership=True,
    )
    training(wang, "政治理论", dt.date(2009, 3, 2), "8")
    training(wang, "党校进修", dt.date(2009, 9, 1), "5", TrainingRecord.Mode.FULL_TIME)
    training(wang, "业务培训", dt.date(2008, 4, 1), "4")
    training(wang, "党校春季班", dt.date(2008, 3, 1), "40", TrainingRecord.Mode.FULL_TIME)
    training(wang, "干部学院", dt.date(2006, 5, 1), "30", TrainingRecord.Mode.FULL_TIME)
    training(wang, "早年进修", dt.date(2004, 5, 1), "50", TrainingRecord.Mode.FULL_TIME)
    LeaderAppraisalFactory(officer=wang, year=2009, grade="excellent", score=Decimal("92.5"))
    ReserveCadreFactory(officer=wang, level="bureau", added_date=dt.date(2008, 1, 1))
    IntegrityAppraisalFactory(unit=tree["5101"], officer=wang, year=2009, result="pass")
    case = case_naming(wang, case_no="AJ-WANG-1")
    complaint = ComplaintFactory(officer=wang, received_date=dt.date(2009, 5, 1))
    alert = RiskAlertFactory(officer=wang)
    audit = Audit.objects.create(
        audit_no="SJ-WANG-1",
        kind=Audit.Kind.ECONOMIC_RESPONSIBILITY,
        unit=tree["5101"],
        officer=wang,
        period_start=dt.date(2004, 7, 1),
        period_end=dt.date(2008, 12, 31),
        completed_date=dt.date(2009, 4, 1),
    )
    return {"officer": wang, "case": case, "complaint": complaint, "alert": alert, "audit": audit}
