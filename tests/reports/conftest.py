"""A leader with a full career in 广州海关 (5100), for the PDF tests.

Training of 张伟 (year 2009 and the four years before), by hand:
  2009: 5 in-service + 8.5 full-time = 13.5 days (>= 12: met)
  2008: 10 full-time; 2007: 30 full-time; 2006: none; 2005: 20 full-time
  2004: 40 full-time (outside the 2005–2009 window)
  full-time 2005–2009 = 8.5 + 10 + 30 + 20 = 68.5 days (< 90: not met)
"""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import Audit
from integrity.models import Case, CaseOfficer, IntegrityAppraisal, RiskAlert
from personnel.models import LeaderAppraisal, Officer
from tests.factories import LeaderAppraisalFactory, OfficerFactory, PostingFactory, ReserveCadreFactory
from training.models import TrainingRecord

YEAR = 2009


def training(officer, course, start, days, mode=TrainingRecord.Mode.FULL_TIME):
    days = Decimal(str(days))
    end = start + dt.timedelta(days=int(days.to_integral_value(rounding="ROUND_CEILING")) - 1)
    return TrainingRecord.objects.create(
        officer=officer, course=course, start_date=start, end_date=end, days=days, mode=mode
    )


@pytest.fixture
def leader(tree, officers):
    gz = tree["5100"]
    zhang = OfficerFactory(
        staff_no="L0001",
        name="张伟",
        unit=gz,
        is_leader=True,
        rank_level=Officer.RankLevel.DIVISION,
        position="副关长",
        birth_date=dt.date(1960, 3, 15),
        hire_date=dt.date(1982, 7, 1),
    )
    PostingFactory(
        officer=zhang,
        unit=tree["5101"],
        position="黄埔海关副关长",
        start_date=dt.date(2001, 3, 1),
        end_date=dt.date(2005, 12, 31),
        leadership=True,
        grassroots=True,
    )
    PostingFactory(
        officer=zhang,
        unit=gz,
        position="广州海关副关长",
        start_date=dt.date(2006, 1, 1),
        leadership=True,
        post_risk="high",
    )
    ReserveCadreFactory(officer=zhang, added_date=dt.date(2008, 1, 1))
    training(zhang, "党校进修班", dt.date(2009, 3, 2), 8.5)
    training(zhang, "在职业务培训", dt.date(2009, 9, 7), 5, TrainingRecord.Mode.IN_SERVICE)
    training(zhang, "领导干部专题班", dt.date(2008, 4, 1), 10)
    training(zhang, "中青年干部培训班", dt.date(2007, 3, 1), 30)
    training(zhang, "海关业务研修", dt.date(2005, 5, 9), 20)
    training(zhang, "早年脱产班", dt.date(2004, 5, 10), 40)
    LeaderAppraisalFactory(officer=zhang, year=2009, grade=LeaderAppraisal.Grade.EXCELLENT, score=Decimal("92.5"))
    LeaderAppraisalFactory(officer=zhang, year=2008, grade=LeaderAppraisal.Grade.COMPETENT)
    IntegrityAppraisal.objects.create(year=2009, unit=gz, officer=zhang, result="pass")
    Audit.objects.create(
        audit_no="SJ-2009-017",
        kind=Audit.Kind.ECONOMIC_RESPONSIBILITY,
        unit=gz,
        officer=zhang,
        period_start=dt.date(2006, 1, 1),
        period_end=dt.date(2008, 12, 31),
        completed_date=dt.date(2009, 6, 30),
        finding_count=3,
    )
    case = Case.objects.create(case_no="AJ-2009-001", opened_date=dt.date(2009, 5, 4))
    CaseOfficer.objects.create(case=case, officer=zhang, category="discipline")
    RiskAlert.objects.create(
        rule="rotation_overdue",
        officer=zhang,
        score=40,
        score_arithmetic="rotation_overdue 40",
        raised_on=dt.date(2009, 12, 31),
        as_of=dt.date(2009, 12, 31),
    )
    return zhang
