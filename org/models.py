"""Organisation units, their scope closure table and the grants held on them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .history import HistoricalRecords
from .roles import Role
from .scoping import Scope, ScopedQuerySet

READ_PEOPLE = frozenset({Role.HR, Role.SUPERVISION, Role.AUDIT, Role.LEADERSHIP})
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
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    supervisory_office = models.ForeignKey(
        "self",
        verbose_name=_("supervisory office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised",
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
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="hq"), name="unit_single_hq"),
            models.CheckConstraint(
                condition=(Q(kind="hq") & Q(parent__isnull=True)) | (~Q(kind="hq") & Q(parent__isnull=False)),
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


# Broadest kind first: pickers list units in this order, and a page without a
# unit opens on the user's broadest granted unit.
KIND_RANK = models.Case(
    *[
        models.When(kind=kind, then=models.Value(rank))
        for rank, kind in enumerate(
            [
                Unit.Kind.HQ,
                Unit.Kind.SUPERVISORY_OFFICE,
                Unit.Kind.DIRECT,
                Unit.Kind.COLLEGE,
                Unit.Kind.SUBORDINATE,
                Unit.Kind.DEPARTMENT,
            ]
        )
    ],
    output_field=models.IntegerField(),
)


class UnitScope(models.Model):
    """Closure table: ``unit`` lies within the scope of ``root``.

    Derived from the tree and the supervision links by
    ``org.services.unit_scope_rebuild``; never edited by hand.
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
