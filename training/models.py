"""Education and training records, and political-work activities."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from org.history import HistoricalRecords
from org.models import WRITE_HR, Unit
from org.scoping import Scope, ScopedQuerySet
from personnel.models import READ_CAREER, CareerScope, Officer


class TrainingRecord(CareerScope, models.Model):
    class Mode(models.TextChoices):
        FULL_TIME = "full_time", _("full-time")
        IN_SERVICE = "in_service", _("in-service")
        ONLINE = "online", _("online")

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.CharField(_("course"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    days = models.DecimalField(_("days"), max_digits=6, decimal_places=1)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["officer_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "course", "start_date"], name="training_unique"),
            models.CheckConstraint(condition=Q(days__gt=0), name="training_days_positive"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="training_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["start_date", "officer"], name="training_year_idx"),
            # The training indicators sum each officer's days over a window of
            # years (any mode, or full-time only). Covering those sums, this
            # index lets them read a few index entries per officer and never
            # the table, where an officer's records lie scattered among ten
            # million others. Plain key columns rather than INCLUDE, which
            # SQLite lacks.
            models.Index(fields=["officer", "start_date", "mode", "days"], name="training_officer_year_idx"),
        ]

    def __str__(self):
        # Named in words (messages, history, deletion pages), never by ids.
        return f"{self.officer.name} {self.start_date} {self.course}"

    def clean(self):
        errors = {}
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = _("The end date cannot be before the start date.")
            elif self.days is not None:
                span = (self.end_date - self.start_date).days + 1
                if self.days > span:
                    errors["days"] = _("%(days)s days is more than the %(span)s days from start to end.") % {
                        "days": self.days,
                        "span": span,
                    }
        if self.days is not None and self.days <= 0:
            errors["days"] = _("Days must be greater than 0.")
        if errors:
            raise ValidationError(errors)


class PoliticalWork(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="political_work")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"))
    history = HistoricalRecords()

    scope = Scope(unit="unit", read=READ_CAREER, write=WRITE_HR)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("political work")
        verbose_name_plural = _("political work")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date", "title"], name="political_work_unique"),
        ]
        indexes = [models.Index(fields=["date", "unit"], name="political_work_year_idx")]

    def __str__(self):
        return f"{self.unit.name} {self.date} {self.title}"


class OfficerYearTraining(models.Model):
    """One officer's training records of one calendar year, added up: the
    year of the records' ``start_date`` (a course over New Year counts in
    the year it started, docs/indicators.md).

    Kept by database triggers on ``TrainingRecord`` (training/totals.py) on
    every write path, never written by the application. Days have one
    decimal place, so the sums are kept as whole tenths of a day: integer
    sums are exact on every database (SQLite would add ``days`` as floats).
    A row exists exactly while the officer has records starting in that
    year (``records`` > 0); ``fulltime_tenths`` counts the full-time ones,
    and may be 0.
    """

    # No cascade from the application: the officer's records go first (their
    # own cascade), and their triggers remove these rows as they reach zero.
    officer = models.ForeignKey(Officer, on_delete=models.DO_NOTHING, related_name="training_totals", db_index=False)
    year = models.IntegerField()
    records = models.IntegerField()
    tenths = models.IntegerField()
    fulltime_tenths = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "year"], name="training_officer_year_unique")]
        indexes = [
            # training_days_12 for many officers at once reads one year's
            # rows whole (a hash join on the officer): an index-only scan.
            models.Index(fields=["year", "officer", "tenths"], name="training_totals_year_idx"),
        ]

    def __str__(self):
        return f"officer {self.officer_id} {self.year}: {self.tenths / 10} days"
