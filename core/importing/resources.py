"""The base every record kind's import/export resource derives from.

A kind declares only its columns and rules::

    @register
    class OfficerResource(RecordResource):
        record_kind = "officers"
        staff_no = Column(Text(), "工号")
        unit_code = Column(Reference(Unit, "code"), "单位编码", attribute="unit")
        ...

        class Meta:
            model = Officer
            import_id_fields = ("staff_no",)

The column's name in the class is its canonical header; the strings after
the widget are the other headers accepted for it (the Chinese ones of
shared/spec/data-formats.md); ``attribute`` is the model field when it is
named differently. A column is required in the header when its model field
needs a value (not null, not blank, no default) or when it is part of the
key; ``required=`` overrides that.

Resources are django-import-export ``ModelResource`` subclasses, so the
admin's export uses them as they are. Importing never takes import-export's
row-by-row path: ``import_data`` hands the dataset to
``core.importing.services.records_import``, the one implementation of
the import rules (scope, validation, all or nothing, history, log) shared by
the command, the admin and any other caller.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields import NOT_PROVIDED
from django.utils.translation import pgettext_lazy
from import_export import resources
from import_export.declarative import ModelDeclarativeMetaclass
from import_export.fields import Field
from import_export.results import Result, RowResult

from org.models import Unit

from . import headers
from .exporting import CODES, Sheet, as_dataset, column_path, record_sheet
from .parents import Parent
from .services import records_import
from .widgets import Reference


class Column(Field):
    def __init__(self, widget, *aliases: str, attribute: str | None = None, required: bool | None = None, label=None):
        super().__init__(attribute=attribute, widget=widget)
        self.aliases = aliases
        # The header of the column in exports and messages (translatable);
        # None: the label of its model field (core.importing.headers).
        self.label = label
        self.required_override = required

    @property
    def is_reference(self) -> bool:
        return isinstance(self.widget, Reference)


def unit_code(**kwargs) -> Column:
    """The ``unit_code`` column every kind about a unit shares: the unit's
    code, within the importing user's grants."""
    return Column(
        Reference(Unit, "code"), "单位编码", attribute="unit", label=pgettext_lazy("column", "unit code"), **kwargs
    )


class _RecordMetaclass(ModelDeclarativeMetaclass):
    """Fills in what each kind would otherwise repeat: a column's attribute
    defaults to its name, and ``Meta.fields`` to the declared columns in
    declaration order (which is the order of the export)."""

    def __new__(mcs, name, bases, attrs):
        declared = [(key, value) for key, value in attrs.items() if isinstance(value, Column)]
        for key, column in declared:
            if column.attribute is None:
                column.attribute = key
        meta = attrs.get("Meta")
        if meta is not None and declared and not hasattr(meta, "fields"):
            meta.fields = tuple(key for key, _column in declared)
        return super().__new__(mcs, name, bases, attrs)


class RecordResource(resources.ModelResource, metaclass=_RecordMetaclass):
    #: the record kind's name in shared/spec/data-formats.md and on the command line
    record_kind: ClassVar[str] = ""
    #: checked as one batch: rows may refer to rows anywhere in the file, or
    #: ``check_rows`` needs every row at once. Otherwise the rows stream
    #: through in batches (core.importing.engine), and ``check_rows``
    #: sees one batch at a time.
    whole_file: ClassVar[bool] = False
    #: For need-to-know kinds: the column naming the officer a row is about.
    #: A row naming the importing user's own officer is refused up front,
    #: whatever exists (shared/spec/access.md, "No existence oracle").
    self_naming_column: ClassVar[str | None] = None
    #: For kinds whose rows are the children of a parent record given on
    #: every row (a case on each row naming one of its officers): which
    #: column names the parent and which columns are the parent's own
    #: (core.importing.parents). The engine checks and writes the parents
    #: before the rows.
    parent: ClassVar[Parent | None] = None

    class Meta:
        # Documented for readers who know import-export; the importer in
        # core.importing.engine implements these semantics itself.
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = True
        batch_size = 2000
        skip_html_diff = True

    def __init__(self, acting_user=None, request=None, **kwargs):
        super().__init__(**kwargs)
        # Who an export runs for (None: full access), for kinds that log
        # their exports; see integrity.resources.AccessLoggedResource.
        self.acting_user = acting_user
        self.request = request

    # --- the columns
    @classmethod
    def columns(cls) -> list[Column]:
        return [cls.fields[name] for name in cls._meta.fields]

    @classmethod
    def column(cls, name: str) -> Column:
        return cls.fields[name]

    @classmethod
    def key_columns(cls) -> list[str]:
        return list(cls._meta.import_id_fields)

    @classmethod
    def model_field(cls, column: Column) -> models.Field:
        """The field a column sets: on the kind's model, or through a
        relation (``case__opened_date``, a parent's own column)."""
        return headers.model_field(cls._meta.model, column.attribute)

    @classmethod
    def is_parent_column(cls, column: Column) -> bool:
        return cls.parent is not None and column.column_name in cls.parent.fields

    @classmethod
    def is_required(cls, column: Column) -> bool:
        if column.required_override is not None:
            return column.required_override
        if column.column_name in cls.key_columns():
            return True
        field = cls.model_field(column)
        return not (field.null or field.blank or field.default is not NOT_PROVIDED)

    @classmethod
    def column_for_field(cls, field_name: str) -> str:
        """The column that sets a model field (for the model's own messages)."""
        for column in cls.columns():
            if column.attribute == field_name:
                return column.column_name
        return cls.key_columns()[0]

    # --- hooks for kinds with rules across rows
    def check_rows(self, context, entries) -> list:
        """Problems that only show across rows (e.g. a second hq); ``entries``
        are the checked rows of the batch about to be written."""
        return []

    def after_write(self, context) -> None:
        """Runs in the import's transaction after every row is written."""

    # --- export (core.importing.exporting)
    def get_queryset(self):
        return self._meta.model._default_manager.all()

    def export_queryset(self, queryset):
        """The records an export of ``queryset`` writes, in the order of the
        kind's key: the same records always give the same file."""
        return queryset.order_by(*(column_path(self.column(name)) for name in self.key_columns()))

    def exporting(self, queryset) -> None:
        """Runs once when an export of ``queryset`` starts (a kind that logs
        its exports logs here)."""

    def sheet(self, queryset=None, *, mode=CODES, typed=False, columns=None) -> Sheet:
        """The export of ``queryset`` (already scoped to its reader), read
        as it is written."""
        queryset = self.export_queryset(self.get_queryset() if queryset is None else queryset)
        self.exporting(queryset)
        return record_sheet(self, queryset, mode=mode, typed=typed, columns=columns)

    def export(self, queryset=None, **kwargs):
        """import-export's entry point, answered from ``sheet`` as an
        in-memory table (empty cells as ""), for the few callers that want one."""
        return as_dataset(self.sheet(queryset, columns=kwargs.get("export_fields")))

    # --- import: always through the service
    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        outcome = records_import(
            kind=self.record_kind,
            dataset_or_file=dataset,
            file_name=kwargs.get("file_name") or "",
            acting_user=kwargs.get("user"),
            dry_run=dry_run,
        )
        return outcome_as_result(outcome, self.get_diff_headers())


def outcome_as_result(outcome, headers) -> Result:
    """An import outcome in the shape import-export's callers expect."""
    result = Result()
    result.diff_headers = headers
    result.total_rows = outcome.rows
    result.totals[RowResult.IMPORT_TYPE_NEW] = outcome.created
    result.totals[RowResult.IMPORT_TYPE_UPDATE] = outcome.updated
    result.totals[RowResult.IMPORT_TYPE_SKIP] = outcome.unchanged
    result.totals[RowResult.IMPORT_TYPE_INVALID] = len(outcome.problems)
    for problem in outcome.problems:
        result.append_invalid_row(problem.row, {}, ValidationError({problem.column: [problem.message]}))
    return result
