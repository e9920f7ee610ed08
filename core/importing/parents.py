"""Parent records of a kind whose rows are their children, declared once.

A file with one row per child repeats its parent's own columns on each of
the parent's rows: the ``cases`` file has one row per officer named in a
case, and the case's number, opening date, unit and summary on every one of
them. The kind declares that shape::

    parent = Parent(key="case_no", fields=("opened_date", "unit_code", "summary"))

``key`` is the column naming the parent (a ``Reference`` to the parent
model's key field, set on the child's link to it); ``fields`` are the
columns of the parent's own fields (attribute ``<link>__<field>``), which
every row of one parent must give alike. Whatever else the row holds is the
child's own.

The engine (``Importer.check``) runs ``Parent.prepare`` once, inside the
import's transaction, after the headers are mapped and before the rows are
read:

1. every row's key and parent cells are read with the columns' widgets; a
   refused cell is reported with its row and column. Rows naming the
   importing user are skipped: the row checks refuse them, whatever exists;
2. the rows of one parent must agree on each parent column;
3. each key is matched against the parents the user can see, and only those
   (docs/security.md, "No existence oracle"): none is a new parent, whatever
   records the user cannot see hold the same key; one is that parent, which
   the user must be allowed to change; several are ambiguous;
4. references among the parent's fields (a unit code) resolve through the
   import's own maps, within the user's write grants, like the rows';
5. new and changed parents are checked by the model's ``full_clean``, the
   messages mapped back to row and column, then written in bulk with their
   history rows.

The key column then resolves to these parents only, never to any other
record that holds the key. A parent refused in any step is reported once,
on its rows; the rows naming it are not told again that it is unknown.
Parents written count as created or updated like the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .engine import BATCH_SIZE, CHUNK, REQUIRED, unknown_message
from .widgets import is_empty


@dataclass(frozen=True)
class Parent:
    #: the column naming the parent: a Reference to the parent model's key field
    key: str
    #: the columns of the parent's own fields, alike on every row of one parent
    fields: tuple[str, ...]

    def prepare(self, importer, table) -> None:
        _ParentStep(self, importer).run(table)


class _Group:
    """The rows of one parent."""

    __slots__ = ("code", "rows", "complete", "found")

    def __init__(self, code):
        self.code = code
        self.rows: list[tuple[int, dict]] = []  # (row, column -> value as read)
        self.complete = True  # every parent cell of every row could be read
        self.found = []  # the parents the user can see that hold the key


class _ParentStep:
    def __init__(self, declared: Parent, importer):
        self.importer = importer
        resource = importer.resource
        self.key = resource.column(declared.key)
        self.model = self.key.widget.model
        self.manager = self.model._default_manager
        prefix = self.key.attribute + "__"
        self.columns = [
            resource.column(name) for name in declared.fields if resource.column(name).column_name in importer.positions
        ]
        # column name -> the parent's model field it sets
        self.fields = {
            column.column_name: self.model._meta.get_field(column.attribute.removeprefix(prefix))
            for column in self.columns
        }
        self.record = str(self.model._meta.verbose_name)

    def problem(self, row, column_name, message):
        self.importer.problem(row, self.importer.label(column_name), message)

    # ---------------------------------------------------------------- steps
    def run(self, table) -> None:
        groups = self._read(table)
        self._match(groups)
        editable = self._editable([parent.pk for group in groups.values() for parent in group.found])
        to_create, to_update, resolved = [], [], {}
        for code, group in groups.items():
            parent, changed = self._settle(group, editable)
            if parent is None:
                self.importer.reported.add((self.key.column_name, code))
                continue
            resolved[code] = parent
            if parent.pk is None:
                to_create.append(parent)
            elif changed:
                to_update.append(parent)
        user = self.importer.user
        if to_create:
            bulk_create_with_history(to_create, self.model, batch_size=BATCH_SIZE, default_user=user)
        if to_update:
            names = [field.name for field in self.fields.values()]
            bulk_update_with_history(to_update, self.model, names, batch_size=BATCH_SIZE, default_user=user)
        self.importer.parents_created += len(to_create)
        self.importer.parents_updated += len(to_update)
        self.importer.use_references(self.model, self.key.widget.field, {code: p.pk for code, p in resolved.items()})

    def _read(self, table) -> dict[str, _Group]:
        importer = self.importer
        positions = importer.positions
        own_name = importer.resource.self_naming_column
        own = importer.own_codes(own_name) if own_name in positions else set()
        empties = {column.column_name: importer.empty_value(column) for column in self.columns}

        def cell(raw, name):
            index = positions[name]
            return raw[index] if index < len(raw) else None

        def readable(column, raw):
            try:
                return column.widget.clean(cell(raw, column.column_name))
            except ValueError:
                return None

        groups: dict[str, _Group] = {}
        for offset, raw in enumerate(table.rows):
            row = offset + 2
            if all(is_empty(value) for value in raw):
                continue
            if own and readable(importer.resource.column(own_name), raw) in own:
                continue
            # A key that cannot be read is the row checks' to report.
            code = readable(self.key, raw)
            if code is None:
                continue
            if code not in groups:
                groups[code] = _Group(code)
            group = groups[code]
            values = {}
            for column in self.columns:
                name = column.column_name
                try:
                    value = column.widget.clean(cell(raw, name))
                except ValueError as error:
                    self.problem(row, name, error)
                    group.complete = False
                    continue
                if value is None:
                    empty = empties[name]
                    if empty is REQUIRED:
                        self.problem(row, name, _("A value is required."))
                        group.complete = False
                        continue
                    value = empty() if callable(empty) else empty
                values[name] = value
            group.rows.append((row, values))
        return groups

    def _match(self, groups) -> None:
        """The parents the user can see that hold each key."""
        user = self.importer.user
        queryset = self.manager.all() if user is None else self.manager.visible_to(user)
        codes = list(groups)
        field = self.key.widget.field
        for start in range(0, len(codes), CHUNK):
            for parent in queryset.filter(**{f"{field}__in": codes[start : start + CHUNK]}).order_by("pk"):
                groups[getattr(parent, field)].found.append(parent)

    def _editable(self, pks) -> set:
        if self.importer.everything:
            return set(pks)
        editable = set()
        queryset = self.manager.editable_by(self.importer.user)
        for start in range(0, len(pks), CHUNK):
            editable.update(queryset.filter(pk__in=pks[start : start + CHUNK]).values_list("pk", flat=True))
        return editable

    def _settle(self, group, editable) -> tuple:
        """(the parent the group's rows describe, built or changed in memory
        and checked, whether it changed), or (None, False) when it is
        refused (reported here)."""
        refused = None, False
        if not (self._agree(group) and self._single(group)):
            return refused
        existing = group.found[0] if group.found else None
        if existing is not None and existing.pk not in editable:
            # Visible to the user (shared with them), so saying so discloses nothing.
            for row, _values in group.rows:
                self.problem(
                    row,
                    self.key.column_name,
                    _("This %(record)s is outside your grants; it cannot be changed here.") % {"record": self.record},
                )
            return refused
        values = self._resolve(group, existing)
        if values is None:
            return refused
        if existing is None:
            parent, changed = self.model(**{self.key.widget.field: group.code}, **values), True
        else:
            parent = existing
            changed = any(getattr(parent, attname) != value for attname, value in values.items())
            for attname, value in values.items():
                setattr(parent, attname, value)
        if changed and not self._valid(parent, group):
            return refused
        return parent, changed

    def _agree(self, group) -> bool:
        """Whether every row of the parent gives it the same values (and
        every one of them could be read)."""
        agree = group.complete
        for column in self.columns:
            name = column.column_name
            given = {values[name] for _row, values in group.rows if name in values}
            if len(given) < 2:
                continue
            agree = False
            rows = [row for row, values in group.rows if name in values]
            listed = ", ".join(str(row) for row in rows)
            for row in rows:
                self.problem(
                    row,
                    name,
                    _("Rows %(rows)s of %(record)s “%(code)s” give it different values here; it has one.")
                    % {"rows": listed, "record": self.record, "code": group.code},
                )
        return agree

    def _single(self, group) -> bool:
        """Whether the key names at most one parent the user can see. Two
        can share a key when one was entered by someone who could not see
        the other; both are visible here, so naming them discloses nothing."""
        if len(group.found) < 2:
            return True
        described = "; ".join(self._describe(parent) for parent in group.found)
        for row, _values in group.rows:
            self.problem(
                row,
                self.key.column_name,
                _(
                    "“%(code)s” is used by %(count)s records of the kind %(record)s you can see (%(which)s); "
                    "give one of them another %(key)s before importing rows for it."
                )
                % {
                    "code": group.code,
                    "count": len(group.found),
                    "record": self.record,
                    "which": described,
                    "key": self.importer.label(self.key.column_name),
                },
            )
        return False

    def _describe(self, parent) -> str:
        """A parent by its own columns, as an export writes them."""
        parts = []
        for column in self.columns:
            field = self.fields[column.column_name]
            value = getattr(parent, field.name) if field.is_relation else getattr(parent, field.attname)
            rendered = column.widget.render(value)
            if rendered:
                parts.append(f"{self.importer.label(column.column_name)} {rendered}")
        return ", ".join(parts) or str(parent.pk)

    def _resolve(self, group, existing) -> dict | None:
        """The parent's attribute values from the first row (the rows
        agree), references resolved within the user's write grants. Keeping
        a reference the parent already has is allowed; setting one outside
        the grants reads like an unknown code."""
        row, given = group.rows[0]
        values = {}
        ok = True
        for column in self.columns:
            name = column.column_name
            field = self.fields[name]
            value = given[name]
            if column.is_reference and value is not None:
                refs = self.importer.references(column.widget)
                pk = refs.by_key.get(value)
                kept = existing is not None and pk is not None and getattr(existing, field.attname) == pk
                if pk is None or not (kept or refs.allowed is None or pk in refs.allowed):
                    for row, _values in group.rows:
                        self.problem(row, name, unknown_message(value))
                    ok = False
                    continue
                value = pk
            values[field.attname] = value
        return values if ok else None

    def _valid(self, parent, group) -> bool:
        relations = {f.name for f in self.model._meta.concrete_fields if f.is_relation}
        try:
            parent.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            column_of = {field.name: name for name, field in self.fields.items()}
            row = group.rows[0][0]
            for field_name, messages in error.message_dict.items():
                name = self.key.column_name if field_name == NON_FIELD_ERRORS else column_of.get(field_name)
                for message in messages:
                    self.problem(row, name or self.key.column_name, message)
            return False
        return True
