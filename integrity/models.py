"""Supervision records, integrity-risk alerts and the access log.

Cases, complaints, enforcement statistics and alerts are *need-to-know*
records (shared/spec/access.md): only supervision grants see them, an
officer they name never sees them, and every read is written to the
append-only ``AccessLog``. Their managers are ``integrity.scoping``'s
querysets, which add the conflict-of-interest exclusion to the grant check.
Integrity appraisals, inspections and surveys are ordinary scoped records
that leadership may also read.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import YEAR_MAX, YEAR_MIN
from core.evidence import EvidenceFile
from org.access import RISK_REGISTER_ROLES
from org.history import HistoricalRecords
from org.models import Unit
from org.roles import Role
from org.scoping import Scope, ScopedQuerySet
from personnel.models import Officer, Posting

from .scoping import AlertQuerySet, CaseEvidenceQuerySet, CaseOfficerQuerySet, CaseQuerySet, OfficerRecordQuerySet

SUPERVISION = frozenset({Role.SUPERVISION})
# access.md: leadership reads every record kind except cases and complaints.
READ_SUPERVISION_RECORDS = frozenset({Role.SUPERVISION, Role.LEADERSHIP})
READ_RISK_POINTS = RISK_REGISTER_ROLES


class Case(models.Model):
    """A discipline case (违纪违法案件): what is common to everyone it names
    (number, opening date, the unit that opened it, a summary). Each officer
    named has their own category, status and sanction (``CaseOfficer``): one
    may be transferred to the judiciary while another receives a
    disciplinary sanction, one concluded while another is still under
    investigation.

    Scope: a case is visible where *any* officer it names currently works in
    the user's scope, so a case spanning two customs is seen by supervision
    of both (and by whatever covers both). Its unit records who opened it
    and plays no part in scope.
    """

    class Category(models.TextChoices):
        DISCIPLINE = "discipline", _("discipline")
        VIOLATION = "violation", _("violation of law")
        CRIME = "crime", _("crime")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        INVESTIGATING = "investigating", _("investigating")
        CONCLUDED = "concluded", _("concluded")
        CLOSED = "closed", _("closed")

    # Unique within what each reader can see, not in the whole database: a
    # global uniqueness check would tell a user that a case they may not see
    # holds a number (docs/security.md, "No existence oracle").
    case_no = models.CharField(_("case number"), max_length=40, db_index=True)
    opened_date = models.DateField(_("opened date"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit that opened the case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_opened",
    )
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords()

    scope = Scope(unit="involved__officer__unit", read=SUPERVISION, write=SUPERVISION)
    access_logged = True
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline case")
        verbose_name_plural = _("discipline cases")
        ordering = ["-opened_date", "case_no"]
        indexes = [models.Index(fields=["opened_date"], name="case_opened_idx")]

    def __str__(self):
        return self.case_no


class CaseEvidence(EvidenceFile):
    """A file of evidence (佐证材料) attached to a case: need-to-know like the
    case, so every download is written to the access log."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence")
    history = HistoricalRecords()

    # Seen and written exactly where its case is (CaseEvidenceQuerySet).
    scope = Scope(unit="case__involved__officer__unit", read=SUPERVISION, write=SUPERVISION)
    access_logged = True
    objects = CaseEvidenceQuerySet.as_manager()

    class Meta(EvidenceFile.Meta):
        verbose_name = _("case evidence")
        verbose_name_plural = _("case evidence")


class CaseOfficer(models.Model):
    """One officer named in a case, with that officer's own category, status
    and sanction (one row of the ``cases`` import file)."""

    Category = Case.Category
    Status = Case.Status

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="involved")
    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="case_links")
    category = models.CharField(_("category"), max_length=12, choices=Case.Category.choices)
    status = models.CharField(_("status"), max_length=15, choices=Case.Status.choices, default=Case.Status.OPEN)
    sanction = models.CharField(_("sanction"), max_length=200, blank=True)
    history = HistoricalRecords()

    # For the ``cases`` import, whose rows are these links: a link is
    # written by supervision of the officer's current unit.
    scope = Scope(unit="officer__unit", read=SUPERVISION, write=SUPERVISION)
    objects = CaseOfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("officer involved")
        verbose_name_plural = _("officers involved")
        ordering = ["case_id", "officer_id"]
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="case_officer_unique")]

    def __str__(self):
        return f"{self.case.case_no} {self.officer.name}"


class Complaint(models.Model):
    """A complaint or report (信访举报) about an officer."""

    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="complaints")
    received_date = models.DateField(_("received date"))
    # None: not yet known. Only an explicit False stops a complaint counting
    # towards the repeated-complaints rule.
    substantiated = models.BooleanField(_("substantiated"), null=True, blank=True)
    history = HistoricalRecords()

    scope = Scope(unit="officer__unit", read=SUPERVISION, write=SUPERVISION)
    access_logged = True
    objects = OfficerRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_date", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "received_date"], name="complaint_unique"),
        ]
        indexes = [models.Index(fields=["received_date", "officer"], name="complaint_received_idx")]

    def __str__(self):
        return f"{self.officer.name} {self.received_date}"


class IntegrityAppraisal(models.Model):
    """党风廉政建设责任制考核: a leadership team (no officer) or one of its
    members, for a year."""

    class Result(models.TextChoices):
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="integrity_appraisals"
    )
    officer = models.ForeignKey(
        Officer,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integrity_appraisals",
        help_text=_("Empty: the unit's leadership team as a whole."),
    )
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_SUPERVISION_RECORDS, write=SUPERVISION)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrity-responsibility appraisal")
        verbose_name_plural = _("integrity-responsibility appraisals")
        ordering = ["-year", "unit_id", "officer_id"]
        constraints = [
            # NULL is distinct from NULL in a unique index, so the team row
            # needs its own constraint.
            models.UniqueConstraint(
                fields=["year", "unit"], condition=Q(officer__isnull=True), name="integrity_appraisal_team_unique"
            ),
            models.UniqueConstraint(
                fields=["year", "unit", "officer"],
                condition=Q(officer__isnull=False),
                name="integrity_appraisal_member_unique",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX), name="integrity_appraisal_year_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "unit"], name="integrity_appraisal_year_idx")]

    def __str__(self):
        return (
            f"{self.year} {self.unit.name} {self.officer.name if self.officer_id else ''} {self.get_result_display()}"
        )


class Inspection(models.Model):
    """内务规范检查 of a unit on a date."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField(_("date"))
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_SUPERVISION_RECORDS, write=SUPERVISION)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal-affairs inspection")
        verbose_name_plural = _("internal-affairs inspections")
        ordering = ["-date", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="inspection_unique")]
        indexes = [models.Index(fields=["date", "unit"], name="inspection_date_idx")]

    def __str__(self):
        return f"{self.unit.name} {self.date}"


class Survey(models.Model):
    """行政相对人满意度调查 of a unit for a year."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    respondents = models.PositiveIntegerField(_("respondents"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_SUPERVISION_RECORDS, write=SUPERVISION)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="survey_unique"),
            models.CheckConstraint(
                condition=Q(satisfied__lte=F("respondents")), name="survey_satisfied_le_respondents"
            ),
        ]

    def __str__(self):
        return f"{self.unit.name} {self.year}"

    def clean(self):
        if self.satisfied is not None and self.respondents is not None and self.satisfied > self.respondents:
            raise ValidationError({"satisfied": _("Satisfied cannot be more than respondents.")})


class EnforcementStat(models.Model):
    """One officer's enforcement work in one month (执法作业统计)."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="enforcement_stats"
    )
    # Always the first day of the month; imported and exported as YYYY-MM.
    month = models.DateField(_("month"))
    declarations = models.PositiveIntegerField(_("declarations"))
    overrides = models.PositiveIntegerField(_("manual overrides"))
    history = HistoricalRecords()

    # Statistics come from the clearance system through imports; access.md
    # gives no role the right to change them by hand.
    scope = Scope(unit="officer__unit", read=SUPERVISION, write=frozenset())
    access_logged = True
    objects = OfficerRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement statistics")
        verbose_name_plural = _("enforcement statistics")
        ordering = ["-month", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "month"], name="enforcement_stat_unique"),
            models.CheckConstraint(
                condition=Q(overrides__lte=F("declarations")), name="enforcement_overrides_le_declarations"
            ),
        ]
        indexes = [models.Index(fields=["month", "officer"], name="enforcement_month_idx")]

    def __str__(self):
        return f"{self.officer.name} {self.month:%Y-%m}"

    def clean(self):
        errors = {}
        if self.month and self.month.day != 1:
            errors["month"] = _("A month is stored as its first day.")
        if self.overrides is not None and self.declarations is not None and self.overrides > self.declarations:
            errors["overrides"] = _("Overrides cannot be more than declarations.")
        if errors:
            raise ValidationError(errors)


class RiskPoint(models.Model):
    """One row of a unit's risk-point register (廉政风险点登记表): a risk of a
    post, how it shows itself, its level and the measures against it.

    Its level uses the codes of ``Posting.PostRisk``; a posting that names a
    risk point takes its level from it (``Posting.risk_level``). Supervision
    keeps the register; leadership and HR read it (HR plans rotations out of
    high-risk posts), docs/integrity.md.
    """

    Level = Posting.PostRisk

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="risk_points")
    post = models.CharField(_("post"), max_length=100)
    name = models.CharField(_("risk point"), max_length=100)
    manifestation = models.TextField(_("manifestation"), blank=True)
    level = models.CharField(_("risk level"), max_length=10, choices=Posting.PostRisk.choices)
    measures = models.TextField(_("prevention measures"), blank=True)
    responsible_leader = models.ForeignKey(
        Officer,
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_points_led",
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_RISK_POINTS, write=SUPERVISION)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrity risk point")
        verbose_name_plural = _("integrity risk points")
        ordering = ["unit_id", "post", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "post", "name"], name="risk_point_unique")]
        indexes = [models.Index(fields=["last_reviewed"], name="risk_point_reviewed_idx")]

    def __str__(self):
        return f"{self.post}: {self.name}"


class RiskAlert(models.Model):
    """An integrity-risk alert raised by ``integrity.risk.scan``.

    The subject is an officer (officer rules) or a directly-affiliated
    customs (``unit_case_rate``), never both. ``version`` is bumped by every
    reviewer action so that two reviewers working on the same alert cannot
    overwrite each other (``integrity.services``).
    """

    class Rule(models.TextChoices):
        ROTATION_OVERDUE = "rotation_overdue", _("rotation overdue in a high-risk post")
        REPEATED_COMPLAINTS = "repeated_complaints", _("repeated complaints")
        ENFORCEMENT_OUTLIER = "enforcement_outlier", _("enforcement anomaly")
        UNIT_CASE_RATE = "unit_case_rate", _("unit case rate above target")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_REVIEW = "in_review", _("in review")
        CLOSED = "closed", _("closed")

    class Disposition(models.TextChoices):
        NO_ISSUE = "no_issue", _("closed, no issue")
        ACTION_TAKEN = "action_taken", _("action taken")
        REFERRED_TO_CASE = "referred_to_case", _("referred to a case")

    ACTIVE = (Status.OPEN, Status.IN_REVIEW)

    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), null=True, blank=True, on_delete=models.PROTECT, related_name="risk_alerts"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="risk_alerts"
    )
    score = models.PositiveIntegerField(_("score"))
    score_arithmetic = models.CharField(_("how the score adds up"), max_length=200)
    facts = models.JSONField(_("facts"), default=list)
    raised_on = models.DateField(_("first raised for"))
    as_of = models.DateField(_("last scan date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    # Who is to review it and by when (integrity.services.alert_assign): a
    # supervision user whose grants cover the alert's subject.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("review due by"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    scope = Scope(unit="officer__unit", read=SUPERVISION, write=SUPERVISION)
    access_logged = True
    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrity-risk alert")
        verbose_name_plural = _("integrity-risk alerts")
        ordering = ["-score", "rule", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(officer__isnull=False) & Q(unit__isnull=True))
                | (Q(officer__isnull=True) & Q(unit__isnull=False)),
                name="risk_alert_one_subject",
            ),
            # A rescan updates the open alert; the database refuses a twin.
            models.UniqueConstraint(
                fields=["rule", "officer"],
                condition=Q(status__in=["open", "in_review"], officer__isnull=False),
                name="risk_alert_one_active_per_officer",
            ),
            models.UniqueConstraint(
                fields=["rule", "unit"],
                condition=Q(status__in=["open", "in_review"], unit__isnull=False),
                name="risk_alert_one_active_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", disposition__gt="") | (~Q(status="closed") & Q(disposition="")),
                name="risk_alert_disposition_iff_closed",
            ),
        ]
        indexes = [models.Index(fields=["status", "rule"], name="risk_alert_status_idx")]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.subject_label}"

    @property
    def subject_type(self) -> str:
        return "officer" if self.officer_id else "unit"

    @property
    def subject_code(self) -> str:
        return self.officer.staff_no if self.officer_id else self.unit.code

    @property
    def subject_label(self) -> str:
        return str(self.officer if self.officer_id else self.unit)


class AlertNote(models.Model):
    """One note in an alert's review thread. Append-only: notes are written
    by ``integrity.services.alert_note_add`` and never edited or deleted, so
    the thread is the record of what the reviewers said and when."""

    alert = models.ForeignKey(RiskAlert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    text = models.TextField(_("note"))

    class Meta:
        verbose_name = _("alert note")
        verbose_name_plural = _("alert notes")
        ordering = ["at", "pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.author}"


class AccessLog(models.Model):
    """Who looked at which need-to-know records, when and from where.

    Append-only: the admin offers no change or delete, and database triggers
    (migration 0004) refuse UPDATE, DELETE, REPLACE and TRUNCATE on the table
    whatever the client. Tamper-evident: each row stores the hash of its
    content and of the row before it (``integrity.access_chain``), so an edit
    made behind the triggers' back is found by ``manage.py verify_access_log``.
    Rows are written only through ``integrity.services.access_log_record``.
    Users are PROTECTed so that deleting an account cannot erase or rewrite
    its trail; deactivate accounts instead.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        LIST = "list", _("list")
        EXPORT = "export", _("export")
        REPORT = "report", _("report")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    # Set by the writer before the row's hash is computed (not auto_now_add,
    # which would change it after).
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    record_kind = models.CharField(_("record kind"), max_length=60)
    object_ids = models.TextField(_("records"), blank=True, help_text=_("Ids of the records shown, comma-separated."))
    record_count = models.PositiveIntegerField(_("number of records"), default=0)
    path = models.CharField(_("page or command"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    # Unique: two rows after the same predecessor would fork the chain.
    prev_hash = models.CharField(_("previous row's hash"), max_length=64, unique=True, editable=False)
    row_hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["record_kind", "at"], name="access_log_kind_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.record_kind}"
