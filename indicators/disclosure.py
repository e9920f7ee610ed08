"""Small counts (shared/spec/access.md, docs/security.md "Small counts").

A need-to-know figure (one that counts people named in cases, complaints or
alerts: an indicator marked ``sensitive``, a dossier's case and alert counts)
counted over fewer than ``settings.SMALL_COUNT_THRESHOLD`` officers is
withheld from a reader who may not see the records behind it, as statistical
offices suppress small cells.

* "Counted over fewer than N officers": the figure's denominator (the
  officers it is counted over) is below N; a dossier counts over one officer.
  The denominator is officer data, which is not secret, so whether a figure
  is withheld never depends on the need-to-know records themselves.
* "A reader who may see the records behind it": one whose supervision grant
  (or superuser flag) covers the figure's unit. The figures a user reads
  are counted without the records naming that user
  (``Indicator.for_reader``), so what such a reader is shown is exactly
  what they may open. Again decided from grants only, never the records.

The engine and the ``indicators`` command stay unsuppressed; the surfaces a
user reads (dashboard, drill-down, unit report, dossier, composite) pass
their figures through ``disclose``.
"""
from __future__ import annotations

from typing import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from personnel.models import Unit
from personnel.roles import Role
from personnel.scoping import _is_everything, units_in_scope

from .engine import Figure, Indicator

READ_RECORDS_ROLES = frozenset({Role.SUPERVISION})


def threshold() -> int:
    return int(settings.SMALL_COUNT_THRESHOLD)


def is_need_to_know(indicator: Indicator) -> bool:
    return bool(getattr(indicator, "sensitive", False))


def marker() -> str:
    """What a reader sees instead of a withheld number."""
    return _("fewer than %(n)s officers, not shown") % {"n": threshold()}


def entitled_units(reader, unit_ids: Iterable[int]) -> set[int]:
    """Of ``unit_ids`` (ids, or a subquery of them): the units whose
    need-to-know figures ``reader`` sees unsuppressed. ``reader=None`` is an
    operator's tool: every unit. One query."""
    units = Unit.objects.filter(pk__in=unit_ids)
    if reader is None:
        return set(units.values_list("pk", flat=True))
    if not (reader.is_authenticated and reader.is_active):
        return set()
    if _is_everything(reader):
        return set(units.values_list("pk", flat=True))
    return set(units.filter(pk__in=units_in_scope(reader, READ_RECORDS_ROLES)).values_list("pk", flat=True))


def withheld(count_over: int, *, unit_id: int, entitled: set[int]) -> bool:
    """Is a need-to-know count over ``count_over`` officers withheld?"""
    return count_over < threshold() and unit_id not in entitled


def disclose(figure: Figure, *, indicator: Indicator, unit_id: int, entitled: set[int]) -> Figure:
    """``figure`` as this reader may see it."""
    if is_need_to_know(indicator) and withheld(figure.denominator, unit_id=unit_id, entitled=entitled):
        return figure.withheld()
    return figure
