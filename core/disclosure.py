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
  (or superuser flag) covers the figure's unit, as the request's Access
  object answers it (``Access.reads_records_at``, org/access.py). The figures
  a user reads are counted without the records naming that user
  (``Indicator.for_reader``), so what such a reader is shown is exactly what
  they may open. Again decided from grants only, never the records.

The engine and the ``indicators`` command stay unsuppressed; the surfaces a
user reads (dashboard, drill-down, unit report, dossier, composite) pass
their figures through ``disclose``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from .indicators import Figure, Indicator


def threshold() -> int:
    return int(settings.SMALL_COUNT_THRESHOLD)


def marker() -> str:
    """What a reader sees instead of a withheld number."""
    return _("fewer than %(n)s officers, not shown") % {"n": threshold()}


def disclose(figure: Figure, *, indicator: Indicator, reads_records: bool) -> Figure:
    """``figure`` as a reader may see it; ``reads_records``: the reader may
    read the records behind it at its unit."""
    if indicator.sensitive and figure.denominator < threshold() and not reads_records:
        return figure.withheld()
    return figure
