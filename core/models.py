"""What the import engine records: one ImportLog row per import run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportLog(models.Model):
    """One row per import run, successful or not (shared/spec/data-formats.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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


class FigureSnapshot(models.Model):
    """One indicator's (numerator, denominator) for one scope unit and year,
    as the live definition counts it for every reader (core/figures.py).

    ``version`` fingerprints the settings the definitions read; a row of
    another version is not used."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.IntegerField()
    key = models.CharField(max_length=60)
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField()
    version = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "key"], name="figuresnapshot_unique")]

    def __str__(self):
        return f"{self.key} unit {self.unit_id} {self.year}: {self.numerator}/{self.denominator}"


class FigureStale(models.Model):
    """A marker written by the database triggers of core/migrations (one per
    written statement and unit): the snapshot rows of ``unit_id``'s scope
    roots from ``from_year`` on no longer hold. NULL unit: every unit; NULL
    year: every year."""

    unit_id = models.BigIntegerField(null=True)
    from_year = models.IntegerField(null=True)

    def __str__(self):
        return f"stale unit {self.unit_id} from {self.from_year}"


class FigureGeneration(models.Model):
    """One row whose ``value`` grows whenever stored figures may have
    changed (markers applied, rows computed and stored): pages rendered from
    the figures are kept under the generation they were rendered at
    (core/figures.py ``generation``)."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"figure generation {self.value}"
