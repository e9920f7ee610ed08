"""Importing and exporting record kinds: the one entry point for the
``import_records`` / ``export_records`` commands, the admin and any caller.

Who may do what:

* ``acting_user`` is the person the import or export runs for. Their grants
  decide everything: a row naming a unit or officer outside their write
  scope, or matching a record outside it, is refused; an export holds only
  the records they may see.
* ``acting_user=None`` means full access. Only the management commands run
  without ``--user`` pass it: whoever can run ``manage.py`` on the server
  already holds the database credentials. History rows then have no user.

Problems are ``(row, column, message)`` with spreadsheet row numbers: the
header is row 1 and the first data row is row 2; a problem with the file as
a whole is reported on row 1, column ``-``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import tablib
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from core.models import ImportLog

from .engine import Importer, Problem
from .exporting import CHINESE, CODES, WRITERS, Sheet, as_dataset
from .files import FileUnreadable, read_table
from .preview import Preview
from .registry import get_resource_class

LOGGED_PROBLEMS = 1000


@dataclass
class ImportOutcome:
    kind: str
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    # The headers of the columns the kind does not know, left out.
    ignored_columns: list[str] = field(default_factory=list)
    # What the rows change, when asked for (``preview_rows``) and the file
    # has no problem.
    preview: Preview | None = None
    log: ImportLog | None = None

    @property
    def succeeded(self) -> bool:
        return not self.problems

    def as_dict(self, *, problems_shown: int | None = None) -> dict:
        """The outcome as the API answers it: every problem (row, column,
        message), or the counts. With ``problems_shown`` (a job's result,
        kept with the job) only the first problems and how many there were."""
        if self.problems:
            shown = self.problems if problems_shown is None else self.problems[:problems_shown]
            payload = {"problems": [{"row": p.row, "column": p.column, "message": p.message} for p in shown]}
            if problems_shown is not None:
                payload["problems_total"] = len(self.problems)
            return payload
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ignored_columns": list(self.ignored_columns),
        }

    @property
    def notice(self) -> str | None:
        """The one notice about the columns left out, or None."""
        if not self.ignored_columns:
            return None
        return _("Ignored columns: %(columns)s") % {"columns": ", ".join(self.ignored_columns)}


def records_import(
    *, kind, dataset_or_file, file_name, acting_user, dry_run=False, progress=None, preview_rows=0
) -> ImportOutcome:
    """Import one file of ``kind``: every row or none.

    ``dataset_or_file`` is a ``tablib.Dataset``, bytes, a path or a file
    object; ``file_name`` gives the format (.csv or .xlsx) and is logged.
    With ``dry_run`` the rows are checked and written, then rolled back, so
    the counts and problems are exactly those of a real run. With
    ``preview_rows`` the outcome's ``preview`` holds up to that many rows
    to be created or changed, for a person to check (``preview.Preview``).

    Deliberately not ``@transaction.atomic`` as a whole: the import runs in a
    transaction of its own and the ImportLog row is written after it, in
    another, so a refused or even crashed import is still logged.
    """
    resource_class = get_resource_class(kind)
    name = os.path.basename(str(file_name or "")) or getattr(dataset_or_file, "name", "") or "-"
    outcome = ImportOutcome(kind=kind, file_name=name, dry_run=dry_run)
    try:
        table = read_table(dataset_or_file, name)
        _run(resource_class(), table, acting_user, dry_run, outcome, progress, preview_rows)
    except FileUnreadable as error:
        # Before the rows or while they stream (a limit reached): whatever
        # was written is rolled back with the import's transaction.
        outcome.rows = outcome.created = outcome.updated = outcome.unchanged = 0
        outcome.problems = [Problem(error.row, error.column, str(error))]
    except Exception as error:
        message = _("The import stopped on an unexpected error: %(error)s") % {"error": error}
        outcome.problems.append(Problem(1, "-", message))
        _log(outcome, acting_user)
        raise
    outcome.log = _log(outcome, acting_user)
    return outcome


def _run(resource, table, acting_user, dry_run, outcome, progress, preview_rows):
    importer = Importer(resource, acting_user, progress)
    if preview_rows:
        importer.preview = Preview(preview_rows)

    def write(step):
        # A batch is written while no problem has been found. A savepoint,
        # so that a write the database refuses (the constraints are the
        # backstop) leaves a usable transaction.
        if importer.failed:
            return
        try:
            with transaction.atomic():
                step()
        except DatabaseError as error:
            importer.problem(1, "-", _("The database refused the rows: %(error)s") % {"error": error})

    with transaction.atomic():
        importer.check(table, after_batch=lambda: write(importer.write))
        write(importer.finish)
        outcome.rows = importer.rows
        outcome.problems = importer.problems
        outcome.ignored_columns = importer.ignored
        if not importer.problems:
            outcome.created, outcome.updated, outcome.unchanged = importer.created, importer.updated, importer.unchanged
            if importer.preview is not None:
                outcome.preview = importer.preview.finish(acting_user)
        if importer.problems or dry_run:
            transaction.set_rollback(True)


def _log(outcome, acting_user) -> ImportLog:
    lines = [str(problem) for problem in outcome.problems[:LOGGED_PROBLEMS]]
    if len(outcome.problems) > LOGGED_PROBLEMS:
        lines.append(_("… and %(count)s more") % {"count": len(outcome.problems) - LOGGED_PROBLEMS})
    with transaction.atomic():
        return ImportLog.objects.create(
            user=acting_user if getattr(acting_user, "pk", None) else None,
            kind=outcome.kind,
            file_name=outcome.file_name[:255],
            dry_run=outcome.dry_run,
            succeeded=outcome.succeeded,
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            error_count=len(outcome.problems),
            errors="\n".join(lines),
        )


def records_export_sheet(*, kind, acting_user=None, unit=None, mode=CODES, typed=False) -> Sheet:
    """Every record of ``kind`` the user may see (all with ``None``), within
    the scope of ``unit`` if given, as a ``Sheet`` whose rows are read from
    the database as they are written (``exporting.write_csv`` /
    ``write_xlsx``). ``mode`` is ``CODES`` (the canonical headers and values)
    or ``CHINESE``; ``typed`` writes dates and numbers as such (workbooks).
    Either form re-imports unchanged."""
    resource = get_resource_class(kind)(acting_user=acting_user)
    manager = resource._meta.model._default_manager
    queryset = manager.all() if acting_user is None else manager.visible_to(acting_user)
    if unit is not None:
        queryset = queryset.in_unit_scope(unit)
    return resource.sheet(queryset, mode=mode, typed=typed)


def records_export_file(*, kind, out, extension, acting_user=None, unit=None, mode=CODES) -> int:
    """Writes the export of ``records_export_sheet`` to ``out`` (a path or a
    binary file) as ``.csv`` or ``.xlsx``; returns the number of rows."""
    sheet = records_export_sheet(
        kind=kind, acting_user=acting_user, unit=unit, mode=mode, typed=extension == ".xlsx" and mode == CHINESE
    )
    counted = Sheet(sheet.title, sheet.headers, _Counter(sheet.rows))
    WRITERS[extension](counted, out)
    return counted.rows.count


class _Counter:
    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def records_export(*, kind, acting_user=None, unit=None, mode=CODES) -> tablib.Dataset:
    """``records_export_sheet`` as an in-memory table (empty cells as ""),
    for small exports read by code; files are written as they are read by
    ``records_export_file``."""
    return as_dataset(records_export_sheet(kind=kind, acting_user=acting_user, unit=unit, mode=mode))
