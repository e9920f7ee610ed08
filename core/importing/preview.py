"""What an import would change, shown to the person before they confirm.

While the dry run checks the rows, ``Preview.collect`` keeps the first
``limit`` rows that would change something: a row to be created with every
value it gives, and a row that updates a record with each field that changes,
before -> after. Values are shown as a person reads them: choices by their
label, yes/no, dates as YYYY-MM-DD, references by the code the file uses.

Scoping: the rows come from an import that found no problem, so every record
a row updates is one the user may change; ``finish`` still drops the before
values of any record the user cannot see (``visible_to``), so the preview
never shows a value the user's own lists would not.

A preview is plain data (strings and numbers) so that it can wait in the
cache with the upload between the preview and the confirm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .widgets import Date, Month

CREATE, UPDATE = "create", "update"


@dataclass
class Change:
    column: str
    before: str
    after: str


@dataclass
class PreviewRow:
    row: int
    action: str  # CREATE or UPDATE
    key: str  # the key's values as the file writes them, joined by " / "
    changes: list[Change] = field(default_factory=list)
    pk: int | None = None  # the record an update changes
    before_hidden: bool = False


class Preview:
    def __init__(self, limit: int):
        self.limit = limit
        self.rows: list[PreviewRow] = []
        self.more = 0  # changing rows beyond the limit
        self.model = None

    # ------------------------------------------------------------ display
    @staticmethod
    def _codes(importer) -> dict:
        """(model, field) -> {pk: code}, from the maps the import loaded."""
        return {key: {pk: code for code, pk in refs.by_key.items()} for key, refs in importer._refs.items()}

    def _display(self, column, field, value, codes) -> str:
        if value is None or value == "":
            return ""
        if column.is_reference:
            return str(codes.get((column.widget.model, column.widget.field), {}).get(value, value))
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(column.widget, Month) and isinstance(value, dt.date):
            return Month().render(value)
        if isinstance(column.widget, Date) and isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    # ------------------------------------------------------------ collect
    def collect(self, importer, entries) -> None:
        """Keeps the changing rows of a checked batch, up to the limit."""
        self.model = importer.model
        resource = importer.resource
        plan = [
            (column, resource.model_field(column))
            for column in resource.columns()
            if column.column_name in importer.labels and not resource.is_parent_column(column)
        ]
        keys = set(resource.key_columns())
        codes = None
        for entry in entries:
            if entry.instance is None or not entry.changed:
                continue
            if len(self.rows) >= self.limit:
                self.more += 1
                continue
            codes = codes if codes is not None else self._codes(importer)
            self.rows.append(self._row(importer, entry, plan, keys, codes))

    def _row(self, importer, entry, plan, keys, codes) -> PreviewRow:
        key, changes = [], []
        for column, model_field in plan:
            name, attname = column.column_name, model_field.attname
            if column.is_reference and name in entry.codes:
                after = str(entry.codes[name])
            else:
                after = self._display(column, model_field, entry.values.get(attname), codes)
            if name in keys:
                key.append(after)
            if entry.is_new:
                if after:
                    changes.append(Change(importer.label(name), "", after))
                continue
            before_value = entry.before.get(attname) if entry.before else None
            if attname not in entry.values or (before_value == entry.values[attname] and name not in entry.pending):
                continue
            before = self._display(column, model_field, before_value, codes)
            changes.append(Change(importer.label(name), before, after))
        return PreviewRow(
            row=entry.row,
            action=CREATE if entry.is_new else UPDATE,
            key=" / ".join(key),
            changes=changes,
            pk=None if entry.is_new else entry.existing.pk,
        )

    # ------------------------------------------------------------- finish
    def finish(self, user) -> Preview:
        """Drops the before values of records ``user`` cannot see."""
        pks = [row.pk for row in self.rows if row.action == UPDATE]
        if user is not None and pks and self.model is not None:
            visible, seen = self.model._default_manager.visible_to(user), set()
            for start in range(0, len(pks), 500):
                seen.update(visible.filter(pk__in=pks[start : start + 500]).values_list("pk", flat=True))
            for row in self.rows:
                if row.action == UPDATE and row.pk not in seen:
                    row.before_hidden = True
                    for change in row.changes:
                        change.before = ""
        for row in self.rows:
            row.pk = None  # the page needs no ids
        self.model = None
        return self
