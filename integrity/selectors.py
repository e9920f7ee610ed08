"""Reads for the alert desk: every queryset through ``visible_to``."""
from __future__ import annotations

from django.db.models import QuerySet

from personnel.models import Posting
from training.models import TrainingRecord

from .models import Case, Complaint, RiskAlert


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
    """The officer's postings, training, complaints and cases, as far as
    ``user`` may see each (a supervision reviewer without an HR grant sees
    no postings or training: access.md gives supervision profiles only)."""
    return {
        "postings": Posting.objects.visible_to(user).filter(officer=officer).select_related("unit").order_by("-start_date"),
        "training": TrainingRecord.objects.visible_to(user).filter(officer=officer).order_by("-start_date"),
        "complaints": Complaint.objects.visible_to(user).filter(officer=officer).order_by("-received_date"),
        "cases": Case.objects.visible_to(user).filter(involved__officer=officer).distinct().order_by("-opened_date"),
    }
