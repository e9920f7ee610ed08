"""All leader dossiers of a unit as one zip.

The leaders are those whose current unit is in the unit's scope and who are
on the roll at the end of the year, as the reader sees them. Dossiers are
rendered one after the other into a zip written as they come, so memory holds
one PDF at a time whatever the size of the unit.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from typing import BinaryIO

from django.db.models import Q, QuerySet

from org.models import Unit
from personnel.models import Officer

from .. import access
from . import dossier

Progress = Callable[[int, int], None]


def leaders_query(unit: Unit, year: int, reader) -> QuerySet:
    import datetime as dt

    end = dt.date(year, 12, 31)
    return (
        access.visible(Officer, reader)
        .in_unit_scope(unit)
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=end), is_leader=True, hire_date__lte=end)
        .order_by("unit__code", "staff_no")
    )


def leaders(unit: Unit, year: int, reader) -> list[Officer]:
    return list(leaders_query(unit, year, reader).select_related("unit"))


def safe_name(name: str) -> str:
    """A name fit for a file in a zip: path separators and control characters dropped."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip() or "-"


def file_name(officer: Officer) -> str:
    # Staff numbers are unique, so they keep names apart; the name makes the
    # zip readable.
    return f"{officer.staff_no}_{safe_name(officer.name)}.pdf"


def write_zip(
    out: BinaryIO, unit: Unit, year: int, reader=None, *, progress: Progress | None = None, request=None, path: str = ""
) -> int:
    """Write the zip to ``out``; returns the number of dossiers."""
    people = leaders(unit, year, reader)
    # PDFs are already compressed streams; deflating them again costs time
    # for a percent or two.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for done, officer in enumerate(people, start=1):
            zf.writestr(file_name(officer), dossier.render(officer, year, reader, request=request, path=path))
            if progress:
                progress(done, len(people))
    return len(people)
