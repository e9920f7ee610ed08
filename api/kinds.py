"""The read endpoints' view of each record kind, generated from the import
registry (core/importing/registry.py): a record is shown with the
columns of its import file, so what the API reads re-imports unchanged.

Each kind names the one field its ``date_from``/``date_to`` filter reads;
a year kind (a field holding a year number) is filtered by the dates' years.
A kind missing from ``DATE_FIELDS`` fails loudly (tests/api/test_kinds.py),
so a new kind cannot slip in unfiltered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from core.importing import get_resource_class, kinds
from integrity.models import Case, CaseOfficer
from integrity.resources import AccessLoggedResource

DATE_FIELDS = {
    "units": None,
    "officers": "hire_date",
    "postings": "start_date",
    "reserve_cadres": "added_date",
    "training": "start_date",
    "cases": "case__opened_date",
    "integrity_appraisals": "year",
    "leader_appraisals": "year",
    "inspections": "date",
    "surveys": "year",
    "political_work": "date",
    "audits": "period_end",
    "audit_findings": "deadline",
    "internal_controls": "established_date",
    "complaints": "received_date",
    "enforcement_stats": "month",
    "risk_points": "last_reviewed",
}


@dataclass(frozen=True)
class Kind:
    name: str
    resource_class: type

    @property
    def model(self) -> type[models.Model]:
        return self.resource_class._meta.model

    @property
    def date_field(self) -> str | None:
        return DATE_FIELDS[self.name]

    @property
    def date_is_year(self) -> bool:
        field = self.date_field
        return (
            field is not None
            and "__" not in field
            and isinstance(self.model._meta.get_field(field), models.IntegerField)
        )

    def columns(self) -> list[str]:
        return [column.column_name for column in self.resource_class.columns()]

    def visible(self, user) -> models.QuerySet:
        """The rows ``user`` may read: the kind's own ``visible_to``. A case
        is shown as its import rows (one per officer involved), and a row is
        visible only when its case is: the conflict-of-interest rule hides a
        whole case from an officer it names, not only that officer's row."""
        queryset = self.model.objects.visible_to(user)
        if self.model is CaseOfficer:
            queryset = queryset.filter(case__in=Case.objects.visible_to(user).values("pk"))
        related = [column.attribute for column in self.resource_class.columns() if column.is_reference]
        return queryset.select_related(*related).order_by("pk")

    def logged(self, pks: list) -> tuple[type[models.Model], list] | None:
        """(model, ids) the access log names for these rows; None for a kind
        the pages do not log."""
        if not issubclass(self.resource_class, AccessLoggedResource):
            return None
        return self.resource_class().logged(self.model.objects.filter(pk__in=pks))

    def represent(self, resource, headers: list[str], obj) -> dict:
        """One row as its export writes it, with its id."""
        return {"id": obj.pk, **dict(zip(headers, resource.export_resource(obj), strict=True))}


def record_kinds() -> list[Kind]:
    return [Kind(name, get_resource_class(name)) for name in kinds()]
