"""Reads for the officer's file: every section through the record kind's
``visible_to``, and a section the reader may not read at all left out
rather than shown empty (an empty table would say "none on file").

What each reader gets is shared/spec/access.md read section by section
(docs/people.md has the table); the training figures are the training
indicators' own (``training/indicators.py``) for the officer alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404

from audit.models import Audit
from core import disclosure
from core import indicators as engine
from integrity.models import Case, Complaint, IntegrityAppraisal, RiskAlert
from org.access import Access
from org.models import Unit
from org.roles import Role
from personnel.models import LeaderAppraisal, Officer, Posting, ReserveCadre
from training.models import TrainingRecord

# The need-to-know kinds the file lists for supervision; each list shown is
# written to the access log (access.md).
LOGGED_KINDS = (Case, Complaint, RiskAlert)
YEARLY_KEY = "training_days_12"
COURSES_PER_PAGE = 20
LEADER_KEY = "leader_fulltime_training_5y"


def officer_or_404(access: Access, staff_no: str) -> Officer:
    """The officer if the reader may see them; 404 otherwise, the same
    answer as for a staff number that does not exist."""
    officer = Officer.objects.visible_to(access.user).select_related("unit", "user").filter(staff_no=staff_no).first()
    if officer is None:
        raise Http404
    return officer


def own_officer(user) -> Officer | None:
    """The officer record linked to the account, if any."""
    if not (user and user.is_authenticated):
        return None
    return Officer.objects.select_related("unit").filter(user=user).first()


def is_self(access: Access, officer: Officer) -> bool:
    return bool(officer.user_id) and officer.user_id == access.user.pk


def may_read(access: Access, model, officer: Officer) -> bool:
    """May the reader read records of ``model`` about this officer at all?
    The officer's own records (the kind's ``own`` lookup) count for them."""
    if access.everything:
        return True
    scope = model.scope
    if scope.own and is_self(access, officer):
        return True
    return access.covers(officer.unit, scope.read)


def may_edit_career(access: Access, officer: Officer) -> bool:
    """HR covering the officer adds training records and postings."""
    return access.everything or access.covers(officer.unit, Officer.scope.write)


@dataclass
class PostingRow:
    posting: Posting
    years: Decimal
    current: bool

    @property
    def high_risk(self) -> bool:
        return self.posting.risk_level == Posting.PostRisk.HIGH


@dataclass
class TrainingYear:
    """One calendar year of the officer's training. ``counted``: the yearly
    indicator counts the officer that year (employed for all of it);
    ``in_progress``: the year is not over."""

    year: int
    days: Decimal
    full_time_days: Decimal
    meets: bool
    counted: bool
    in_progress: bool


@dataclass
class IndicatorStatus:
    """The officer's figure in one training indicator for ``year``; ``counted``
    is False when the indicator does not count the officer that year
    (not employed all year, or not a leader of division or bureau rank)."""

    year: int
    counted: bool
    days: Decimal
    minimum: int
    meets: bool
    first_year: int

    @property
    def missing(self) -> Decimal:
        return max(Decimal(self.minimum) - self.days, Decimal(0))


@dataclass
class Integrity:
    """The need-to-know part, as far as the reader may know it. ``withheld``:
    the reader may know the counts only, and counted over one officer they
    are below the small-counts threshold (core/disclosure.py)."""

    withheld: bool = False
    marker: str = ""
    cases: list = field(default_factory=list)
    complaints: list = field(default_factory=list)
    alerts: list = field(default_factory=list)


@dataclass
class OfficerFile:
    officer: Officer
    year: int
    today: dt.date
    self_view: bool
    postings: list[PostingRow] | None = None
    reserve: list | None = None
    training_years: list[TrainingYear] | None = None
    training_records: object = None  # a page of the officer's training records
    yearly: IndicatorStatus | None = None
    leader: IndicatorStatus | None = None
    appraisals: list | None = None
    integrity_appraisals: list | None = None
    integrity: Integrity | None = None
    audits: list | None = None
    editable: bool = False

    @property
    def reserve_current(self) -> list:
        return [r for r in self.reserve or () if r.removed_date is None or r.removed_date > self.today]

    def logged(self) -> dict:
        """{model: ids shown} for the access log."""
        if self.integrity is None or self.integrity.withheld:
            return {}
        return {
            Case: [c.pk for c in self.integrity.cases],
            Complaint: [c.pk for c in self.integrity.complaints],
            RiskAlert: [a.pk for a in self.integrity.alerts],
        }


def _years(start: dt.date, end: dt.date) -> Decimal:
    return (Decimal((end - start).days) / Decimal("365.25")).quantize(Decimal("0.1"))


def _postings(access: Access, officer: Officer, today: dt.date) -> list[PostingRow]:
    postings = (
        Posting.objects.visible_to(access.user)
        .filter(officer=officer)
        .select_related("unit", "unit__parent", "risk_point")
        .order_by("-start_date", "-pk")
    )
    rows = []
    for p in postings:
        current = p.end_date is None or p.end_date > today
        rows.append(PostingRow(p, _years(p.start_date, min(p.end_date or today, today)), current))
    return rows


def _counted_years(officer: Officer, years: range) -> set[int]:
    """The years of ``years`` in which the yearly indicator counts the
    officer, by the indicator's own rule (``employed_all_year``), in one
    query."""
    flags = {
        f"y{year}": ExpressionWrapper(engine.employed_all_year(year), output_field=BooleanField()) for year in years
    }
    row = Officer.objects.filter(pk=officer.pk).annotate(**flags).values(*flags).first() or {}
    return {year for year in years if row.get(f"y{year}")}


def _training_years(access: Access, officer: Officer, today: dt.date) -> list[TrainingYear]:
    """Days per calendar year of ``start_date`` (any mode, and full-time), as
    the yearly indicator counts them, from the hire year to this year."""
    last = today.year
    minimum = engine.threshold("training_days_min")
    sums = {
        row["y"]: row
        for row in TrainingRecord.objects.visible_to(access.user)
        .filter(officer=officer, start_date__year__lte=last)
        .annotate(y=ExtractYear("start_date"))
        .values("y")
        .annotate(total=Sum("days"), full=Sum("days", filter=Q(mode=TrainingRecord.Mode.FULL_TIME)))
        .order_by()
    }
    first = min([officer.hire_date.year, *sums]) if sums else officer.hire_date.year
    end = min(last, officer.leave_date.year) if officer.leave_date else last
    span = range(max(end, first), first - 1, -1)
    counted = _counted_years(officer, span)
    years = []
    for year in span:
        row = sums.get(year, {})
        total = row.get("total") or Decimal(0)
        years.append(
            TrainingYear(
                year=year,
                days=total,
                full_time_days=row.get("full") or Decimal(0),
                meets=total >= minimum,
                counted=year in counted,
                in_progress=year >= today.year,
            )
        )
    return years


def indicator_status(officer: Officer, key: str, year: int) -> IndicatorStatus:
    """The officer's row of training indicator ``key`` for ``year``, counted
    by the indicator's own definition."""
    indicator = engine.get(key)
    row = indicator.officer_status(officer, year)
    return IndicatorStatus(
        year=year,
        counted=row["counted"],
        days=row["figure"],
        minimum=indicator.minimum(),
        meets=row["meets"],
        first_year=indicator.first_year(year),
    )


def _integrity(access: Access, officer: Officer) -> Integrity | None:
    """Cases, complaints and alerts naming the officer: the section exists
    for supervision covering the officer (the lists they may open, the
    conflict-of-interest rule applied by the querysets) and, as counts that
    a single officer always withholds, for leadership. Never on the
    reader's own file: an empty list there would be a claim, and a full one
    a breach."""
    if is_self(access, officer):
        return None
    if access.everything or access.covers(officer.unit, Role.SUPERVISION):
        user = access.user
        return Integrity(
            cases=list(
                Case.objects.visible_to(user).filter(involved__officer=officer).distinct().order_by("-opened_date")
            ),
            complaints=list(Complaint.objects.visible_to(user).filter(officer=officer).order_by("-received_date")),
            alerts=list(
                RiskAlert.objects.visible_to(user).filter(officer=officer).order_by("-as_of", "-pk"),
            ),
        )
    if access.covers(officer.unit, Role.LEADERSHIP):
        return Integrity(withheld=True, marker=disclosure.marker())
    return None


def officer_file(access: Access, officer: Officer, *, year: int, today: dt.date, page=None) -> OfficerFile:
    """Everything the file shows ``access.user`` about ``officer``; ``page``
    is the page of the course list (newest first)."""
    f = OfficerFile(officer=officer, year=year, today=today, self_view=is_self(access, officer))
    user = access.user
    if may_read(access, Posting, officer):
        f.postings = _postings(access, officer, today)
    if may_read(access, ReserveCadre, officer):
        f.reserve = list(ReserveCadre.objects.visible_to(user).filter(officer=officer).order_by("-added_date"))
    if may_read(access, TrainingRecord, officer):
        f.training_years = _training_years(access, officer, today)
        records = TrainingRecord.objects.visible_to(user).filter(officer=officer).order_by("-start_date", "-pk")
        f.training_records = Paginator(records, COURSES_PER_PAGE).get_page(page)
        f.yearly = indicator_status(officer, YEARLY_KEY, year)
        if officer.is_leader:
            f.leader = indicator_status(officer, LEADER_KEY, year)
    if may_read(access, LeaderAppraisal, officer):
        f.appraisals = list(LeaderAppraisal.objects.visible_to(user).filter(officer=officer).order_by("-year"))
    if not f.self_view and may_read(access, IntegrityAppraisal, officer):
        f.integrity_appraisals = list(
            IntegrityAppraisal.objects.visible_to(user).filter(officer=officer).select_related("unit").order_by("-year")
        )
    f.integrity = _integrity(access, officer)
    if may_read(access, Audit, officer):
        f.audits = list(
            Audit.objects.visible_to(user).filter(officer=officer).select_related("unit").order_by("-period_end")
        )
    f.editable = may_edit_career(access, officer)
    return f


def posting_units(access: Access):
    """The units HR may add a posting at (within its HR grants)."""
    return Unit.objects.within_grants(access.user, Posting.scope.write).order_by("code")
