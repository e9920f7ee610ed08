"""The roles a grant can carry (shared/spec/access.md).

A grant is a role held on a unit. It is stored as a django-guardian object
permission on the unit whose codename is ``role_<role>``.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    # A context of their own: "audit" and "leadership" alone name other
    # things (an audit, a leadership team) in the shared catalog.
    HR = "hr", pgettext_lazy("role", "HR")
    SUPERVISION = "supervision", pgettext_lazy("role", "supervision")
    AUDIT = "audit", pgettext_lazy("role", "audit")
    LEADERSHIP = "leadership", pgettext_lazy("role", "leadership")

    @property
    def codename(self):
        return f"role_{self.value}"


ALL_ROLES = frozenset(Role)
