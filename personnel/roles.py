"""The roles a grant can carry (shared/spec/access.md).

A grant is a role held on a unit. It is stored as a django-guardian object
permission on the unit whose codename is ``role_<role>``.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HR = "hr", _("HR")
    SUPERVISION = "supervision", _("supervision")
    AUDIT = "audit", _("audit")
    LEADERSHIP = "leadership", _("leadership")

    @property
    def codename(self):
        return f"role_{self.value}"


ALL_ROLES = frozenset(Role)
