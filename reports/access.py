"""What a reader of a PDF may see (shared/spec/access.md).

A PDF is another surface over the same records, so every section is selected
through the model's ``visible_to(reader)``. ``reader=None`` is the command
line run without ``--user``: an operator on the server, who sees everything.
"""

from __future__ import annotations

from django.db import models

from integrity.models import Case, RiskAlert
from integrity.services import access_log_record
from org import scoping
from org.access import Access
from org.models import Unit
from org.roles import Role
from org.scoping import units_in_scope
from personnel.models import Officer


def sees_everything(reader) -> bool:
    """The operator on the command line (``reader=None``) or a user who sees
    everything (``org.scoping.sees_everything``)."""
    return reader is None or scoping.sees_everything(reader)


def covers(reader, roles, unit_id: int) -> bool:
    """Does a grant of one of ``roles`` cover the unit? (One EXISTS query;
    ``units_in_scope`` is a subquery whose column differs for superusers, so
    filter units by it rather than filter it.)"""
    if sees_everything(reader):
        return True
    return Unit.objects.filter(pk=unit_id, pk__in=units_in_scope(reader, roles)).exists()


def visible(model, reader) -> models.QuerySet:
    # A superuser still goes through visible_to: the need-to-know kinds hide
    # records naming the user even from a superuser (conflict of interest).
    if reader is None:
        return model._default_manager.all()
    return model._default_manager.visible_to(reader)


def may_read_kind(reader, model, officer: Officer) -> bool:
    """May the reader read records of this kind about this officer at all?

    Used to leave a whole section out rather than print an empty table that
    would wrongly suggest "none on file" to a reader who just may not see them.
    """
    if sees_everything(reader):
        return True
    scope = getattr(model, "scope", None)
    if scope is None:
        return False
    if scope.own and officer.user_id and officer.user_id == reader.pk:
        return True
    return covers(reader, scope.read, officer.unit_id)


def may_know_integrity(reader, officer: Officer) -> bool:
    """Counts of cases and alerts: supervision and leadership covering the
    officer's unit (leadership sees them only as counts, which is all a
    dossier prints). An officer never learns of cases about themselves."""
    if sees_everything(reader):
        return True
    if officer.user_id and officer.user_id == reader.pk:
        return False
    return covers(reader, [Role.SUPERVISION, Role.LEADERSHIP], officer.unit_id)


def officer_or_404(staff_no: str, reader) -> Officer:
    from django.http import Http404

    try:
        return visible(Officer, reader).select_related("unit").get(staff_no=staff_no)
    except Officer.DoesNotExist:
        raise Http404 from None


def unit_or_404(code: str, reader) -> Unit:
    from django.http import Http404

    try:
        return visible(Unit, reader).get(code=code)
    except Unit.DoesNotExist:
        raise Http404 from None


def report_unit_or_404(code: str, reader) -> Unit:
    """A unit whose report the reader may have: one whose figures the
    dashboard shows them (every role, within its grants), asked of the same
    Access object the dashboard asks before offering the link."""
    from django.http import Http404

    unit = Unit.objects.filter(code=code).first()
    if unit is None or not (reader is None or Access(reader).may_read_unit_report(unit)):
        raise Http404
    return unit


def reads_records_at(reader, units: list[Unit]) -> set[int]:
    """Ids of ``units`` whose small counts the reader sees in full
    (core/disclosure.py): every unit for the operator (``None``), otherwise
    as the reader's Access object answers, in one query."""
    if reader is None:
        return {unit.pk for unit in units}
    granted = Access(reader)
    granted.coverage(Unit.objects.filter(pk__in=[unit.pk for unit in units]))
    return {unit.pk for unit in units if granted.reads_records_at(unit)}


def has_role_on(reader, role: str, officer: Officer) -> bool:
    return covers(reader, role, officer.unit_id)


def log_integrity_access(*, reader, d, request=None, path: str = "") -> None:
    """Write the access log for a dossier that printed case and alert counts
    (access.md: every PDF that shows a case or an alert): one row per record
    kind, naming the records counted, even when the count is 0 — that the
    reader looked is itself what supervision wants to know."""
    user = reader if reader is not None and reader.is_authenticated else None
    access_log_record(user=user, action="report", model=Case, object_ids=d.case_ids, request=request, path=path)
    access_log_record(user=user, action="report", model=RiskAlert, object_ids=d.alert_ids, request=request, path=path)
