"""Officers and their careers: the records the other domain apps build on."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import YEAR_MAX, YEAR_MIN
from org.history import HistoricalRecords
from org.models import READ_PEOPLE, WRITE_HR, Unit
from org.roles import Role
from org.scoping import Scope, ScopedQuerySet

READ_CAREER = frozenset({Role.HR, Role.LEADERSHIP})


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
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
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
        _("post integrity-risk level"),
        max_length=10,
        choices=PostRisk.choices,
        default=PostRisk.LOW,
        help_text=_("Used where the posting names no risk point; a named risk point's level wins."),
    )
    # By name, not by import: integrity sits above personnel and keeps the
    # register; personnel only holds the reference (docs/integrity.md).
    risk_point = models.ForeignKey(
        "integrity.RiskPoint",
        verbose_name=_("risk point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["officer_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "unit", "position", "start_date"], name="posting_unique"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="posting_end_after_start",
            ),
        ]

    def __str__(self):
        # Named in words (messages, history, deletion pages), never by ids.
        return f"{self.officer.name} {self.start_date} {self.position}"

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
        return f"{self.officer.name} {self.get_level_display()} {self.added_date}"

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
        _("year"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="leader_appraisals"
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    score = models.DecimalField(
        # "score" alone is an integrity-risk score elsewhere.
        pgettext_lazy("appraisal", "score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
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
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX), name="leader_appraisal_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.officer.name} {self.year} {self.get_grade_display()}"
