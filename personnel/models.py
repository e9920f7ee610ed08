"""Units, officers and their careers: the records every other part builds on."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .roles import Role
from .scoping import Scope, ScopedQuerySet

READ_PEOPLE = frozenset({Role.HR, Role.SUPERVISION, Role.AUDIT, Role.LEADERSHIP})
READ_CAREER = frozenset({Role.HR, Role.LEADERSHIP})
WRITE_HR = frozenset({Role.HR})


class Unit(models.Model):
    class Kind(models.TextChoices):
        HQ = "hq", _("General Administration (HQ)")
        SUPERVISORY_OFFICE = "supervisory_office", _("supervisory office")
        DIRECT = "direct", _("directly-affiliated customs")
        SUBORDINATE = "subordinate", _("subordinate customs (office)")
        DEPARTMENT = "department", _("department")
        COLLEGE = "college", _("college")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    supervisory_office = models.ForeignKey(
        "self", verbose_name=_("supervisory office"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="supervised",
        limit_choices_to={"kind": Kind.SUPERVISORY_OFFICE},
    )
    history = HistoricalRecords()

    # A unit is visible where any grant covers it; units are changed by
    # superusers and HR of a covering unit.
    scope = Scope(unit="pk", read=READ_PEOPLE, write=WRITE_HR)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        # Lazy: "%" would translate at import time, into whichever language
        # happened to be active, and the migration state would follow it.
        permissions = [(role.codename, format_lazy(_("{role} grant"), role=role.label)) for role in Role]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="hq"), name="unit_single_hq"
            ),
            models.CheckConstraint(
                condition=(Q(kind="hq") & Q(parent__isnull=True))
                | (~Q(kind="hq") & Q(parent__isnull=False)),
                name="unit_parent_iff_not_hq",
            ),
            models.CheckConstraint(
                condition=Q(supervisory_office__isnull=True) | Q(kind="direct"),
                name="unit_supervised_only_direct",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.HQ and self.parent_id:
            errors["parent"] = _("The General Administration has no parent unit.")
        if self.kind != self.Kind.HQ and not self.parent_id:
            errors["parent"] = _("Every unit except the General Administration needs a parent unit.")
        if self.supervisory_office_id:
            if self.kind != self.Kind.DIRECT:
                errors["supervisory_office"] = _(
                    "Only a directly-affiliated customs is overseen by a supervisory office."
                )
            elif self.supervisory_office.kind != self.Kind.SUPERVISORY_OFFICE:
                errors["supervisory_office"] = _("%(unit)s is not a supervisory office.") % {
                    "unit": self.supervisory_office
                }
        if self.pk and self.parent_id:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    errors["parent"] = _("A unit cannot be placed below itself.")
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)


class UnitScope(models.Model):
    """Closure table: ``unit`` lies within the scope of ``root``.

    Derived from the tree and the supervision links by
    ``personnel.services.unit_scope_rebuild``; never edited by hand.
    """

    root = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="scope_roots")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["root", "unit"], name="unitscope_unique")]
        indexes = [models.Index(fields=["unit", "root"])]

    def __str__(self):
        # Ids, not names: a row of the closure table is read by the engineer
        # who debugs it, and the ids cost no extra query.
        return f"unit {self.unit_id} within {self.root_id}"


class UnitUserObjectPermission(UserObjectPermissionBase):
    """A grant held by a user: a role on a unit (direct foreign key for speed)."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    """A grant held by a group."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class Officer(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class RankLevel(models.TextChoices):
        CLERK = "clerk", _("clerk level")
        SECTION = "section", _("section level")
        DIVISION = "division", _("division level")
        BUREAU = "bureau", _("bureau level")

    staff_no = models.CharField(_("staff number"), max_length=20, unique=True)
    # "name" alone is a unit's or a permission's 名称 in the shared catalog.
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officers")
    rank_level = models.CharField(_("rank level"), max_length=10, choices=RankLevel.choices)
    is_leader = models.BooleanField(_("leading cadre"), default=False)
    position = models.CharField(_("position"), max_length=100, blank=True)
    hire_date = models.DateField(_("hire date"))
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="officer",
    )
    history = HistoricalRecords(excluded_fields=["user"])

    scope = Scope(unit="unit", read=READ_PEOPLE, write=WRITE_HR, own="user")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["staff_no"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=F("hire_date")),
                name="officer_leave_after_hire",
            ),
            models.CheckConstraint(condition=Q(hire_date__gt=F("birth_date")), name="officer_hired_after_birth"),
        ]
        indexes = [models.Index(fields=["unit", "is_leader"])]

    def __str__(self):
        return f"{self.name} ({self.staff_no})"

    def clean(self):
        errors = {}
        if self.birth_date and self.hire_date and self.hire_date <= self.birth_date:
            errors["hire_date"] = _("The hire date must be after the birth date.")
        if self.hire_date and self.leave_date and self.leave_date < self.hire_date:
            errors["leave_date"] = _("The leave date cannot be before the hire date.")
        if errors:
            raise ValidationError(errors)


class CareerScope:
    """Career records are scoped by the officer's *current* unit: HR of the
    customs an officer works in now sees the whole career, wherever it led."""

    scope = Scope(unit="officer__unit", read=READ_CAREER, write=WRITE_HR, own="officer__user")


class Posting(CareerScope, models.Model):
    class PostRisk(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="postings")
    position = models.CharField(_("position"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    leadership = models.BooleanField(_("leadership post"), default=False)
    grassroots = models.BooleanField(_("grassroots"), default=False)
    post_risk = models.CharField(
        _("post integrity-risk level"), max_length=10, choices=PostRisk.choices, default=PostRisk.LOW,
        help_text=_("Used where the posting names no risk point; a named risk point's level wins."),
    )
    # By name, not by import: integrity sits above personnel and keeps the
    # register; personnel only holds the reference (docs/integrity.md).
    risk_point = models.ForeignKey(
        "integrity.RiskPoint", verbose_name=_("risk point"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="postings",
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["officer_id", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "unit", "position", "start_date"], name="posting_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="posting_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.officer_id} {self.position} {self.start_date}"

    @property
    def risk_level(self) -> str:
        """The post's risk level: the named risk point's, else ``post_risk``."""
        return self.risk_point.level if self.risk_point_id else self.post_risk

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class ReserveCadre(CareerScope, models.Model):
    class Level(models.TextChoices):
        BUREAU = "bureau", _("bureau level")
        DIVISION = "division", _("division level")

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="reserve_entries"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    added_date = models.DateField(_("added date"))
    removed_date = models.DateField(_("removed date"), null=True, blank=True)
    history = HistoricalRecords()

    # Unlike the rest of a career, the reserve list is not shown to the
    # officer on it: access.md gives officers their profile, postings,
    # training and leader appraisals only.
    scope = Scope(unit="officer__unit", read=READ_CAREER, write=WRITE_HR)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["officer_id", "added_date"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "level", "added_date"], name="reserve_unique"),
            models.CheckConstraint(
                condition=Q(removed_date__isnull=True) | Q(removed_date__gte=F("added_date")),
                name="reserve_removed_after_added",
            ),
        ]

    def __str__(self):
        return f"{self.officer_id} {self.level} {self.added_date}"

    def clean(self):
        if self.added_date and self.removed_date and self.removed_date < self.added_date:
            raise ValidationError({"removed_date": _("The removal date cannot be before the date added.")})


class LeaderAppraisal(CareerScope, models.Model):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("excellent")
        COMPETENT = "competent", _("competent")
        BASICALLY_COMPETENT = "basically_competent", _("basically competent")
        INCOMPETENT = "incompetent", _("incompetent")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="leader_appraisals"
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    score = models.DecimalField(
        # "score" alone is an integrity-risk score elsewhere.
        pgettext_lazy("appraisal", "score"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("comprehensive appraisal of leaders")
        verbose_name_plural = _("comprehensive appraisals of leaders")
        ordering = ["-year", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "officer"], name="leader_appraisal_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="leader_appraisal_score_range",
            ),
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2100), name="leader_appraisal_year_range"),
        ]

    def __str__(self):
        return f"{self.year} {self.officer_id} {self.grade}"


class ImportLog(models.Model):
    """One row per import run, successful or not (shared/spec/data-formats.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    kind = models.CharField(_("record kind"), max_length=30)
    file_name = models.CharField(_("file name"), max_length=255)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    errors = models.TextField(_("problems found"), blank=True)

    class Meta:
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.kind} {self.file_name} {self.started_at:%Y-%m-%d %H:%M}"
