"""Per-user API tokens and the log of their use (docs/integration.md).

Only a SHA-256 digest of a token is stored: the token itself is shown once,
when it is created. A token carries its owner's grants, never more; a
read-only token is refused on every write.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, to tell tokens apart on the page.
    prefix = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ApiTokenEvent(models.Model):
    """Append-only: a token created, revoked, used, or refused (expired or revoked)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        REVOKED = "revoked", _("revoked")
        USED = "used", _("used")
        REFUSED = "refused", _("refused")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    token = models.ForeignKey(ApiToken, verbose_name=_("API token"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token event")
        verbose_name_plural = _("API token events")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
