"""Reads for the alert desk and the risk-point register: every queryset
through ``visible_to``."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from personnel.models import Officer, Posting
from training.models import TrainingRecord

from .models import Case, CaseOfficer, Complaint, RiskAlert, RiskPoint


def alert_queue(user, *, rule: str = "", status: str = "", unit=None, min_score: int | None = None) -> QuerySet:
    """The alerts ``user`` may see, filtered as the desk asks. No status
    means the working queue: open and in review."""
    alerts = RiskAlert.objects.visible_to(user).select_related("officer", "officer__unit", "unit", "reviewer")
    if rule:
        alerts = alerts.filter(rule=rule)
    alerts = alerts.filter(status=status) if status else alerts.active()
    if unit is not None:
        alerts = alerts.in_unit_scope(unit)
    if min_score is not None:
        alerts = alerts.filter(score__gte=min_score)
    return alerts.order_by("-score", "rule", "pk")


def officer_context(officer, user) -> dict[str, QuerySet]:
    """The officer's postings, training, complaints and case links, as far as
    ``user`` may see each (a supervision reviewer without an HR grant sees
    no postings or training: access.md gives supervision profiles only)."""
    return {
        "postings": Posting.objects.visible_to(user)
        .filter(officer=officer)
        .select_related("unit")
        .order_by("-start_date"),
        "training": TrainingRecord.objects.visible_to(user).filter(officer=officer).order_by("-start_date"),
        "complaints": Complaint.objects.visible_to(user).filter(officer=officer).order_by("-received_date"),
        # The officer's own place in each case they are named in (category,
        # status, sanction), for the cases the user may see.
        "cases": CaseOfficer.objects.filter(officer=officer, case__in=Case.objects.visible_to(user).values("pk"))
        .select_related("case")
        .order_by("-case__opened_date", "case__case_no"),
    }


def review_window(end: dt.date) -> tuple[dt.date, dt.date]:
    """The ``review_months`` months up to and including ``end``: a register
    reviewed on a day in this window is up to date on ``end``. With 12
    months and ``end`` = 31 December of Y, the window is the calendar year Y."""
    months = settings.RISK_POINT_REGISTER["review_months"]
    return end - relativedelta(months=months) + dt.timedelta(days=1), end


def reviewed_within(start: dt.date, end: dt.date) -> Q:
    """Risk points with a review dated in [start, end]: the current
    ``last_reviewed`` or an earlier one kept in the point's history, so a
    later review does not erase that the point was reviewed in a past year."""
    earlier = RiskPoint.history.model.objects.filter(id=OuterRef("pk"), last_reviewed__range=(start, end))
    return Q(last_reviewed__range=(start, end)) | Q(Exists(earlier))


def risk_point_register(user, unit, *, as_of: dt.date) -> dict:
    """The register of ``unit`` (its own points, not its subtree's) as
    ``user`` may read it: points by level, the overdue reviews on
    ``as_of``, and the officers now in each high-risk point.

    Occupants are the current postings naming the point, of officers the
    reader may see (docs/integrity.md); the years are counted to ``as_of``.
    """
    points = list(
        RiskPoint.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("responsible_leader")
        .order_by("post", "name")
    )
    start, _end = review_window(as_of)
    levels = [
        {"level": level, "label": label, "points": [p for p in points if p.level == level]}
        for level, label in RiskPoint.Level.choices
    ]
    overdue = [p for p in points if p.last_reviewed is None or p.last_reviewed < start]
    occupants = (
        Posting.objects.filter(
            risk_point__in=[p.pk for p in points if p.level == RiskPoint.Level.HIGH],
            end_date__isnull=True,
            start_date__lte=as_of,
            officer__in=Officer.objects.visible_to(user).values("pk"),
        )
        .select_related("officer")
        .order_by("start_date", "officer__staff_no")
    )
    by_point: dict[int, list[dict]] = {}
    for posting in occupants:
        by_point.setdefault(posting.risk_point_id, []).append(
            {
                "officer": posting.officer,
                "since": posting.start_date,
                "years": f"{(as_of - posting.start_date).days / 365.25:.1f}",
            }
        )
    for point in points:
        point.occupants = by_point.get(point.pk, [])
        point.overdue = point in overdue
    return {"levels": levels, "overdue": overdue, "points": points}
