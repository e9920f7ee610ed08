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
