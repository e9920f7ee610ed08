"""The admin's export form, with each column named in words.

import-export's selectable-fields form labels a column by its code name
("Staff No", "Unit Code"); this one uses the model field's verbose name,
translated like every other label ("工号", "单位（编码）").
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export.forms import SelectableFieldsExportForm

from .widgets import Reference


def column_label(resource, name: str) -> str:
    """The words for column ``name`` of ``resource``: the verbose name of the
    model field it reads (following ``__``), with the referenced field's for
    a column that names a record by its code; the code name when the column
    reads no model field."""
    field = resource.fields.get(name)
    attribute = (field.attribute if field is not None and field.attribute else name) or name
    model = resource._meta.model
    parts = attribute.split("__")
    try:
        for part in parts[:-1]:
            model = model._meta.get_field(part).related_model
        model_field = model._meta.get_field(parts[-1])
    except (FieldDoesNotExist, AttributeError):
        return name
    label = capfirst(str(getattr(model_field, "verbose_name", name)))
    widget = getattr(field, "widget", None)
    if isinstance(widget, Reference):
        try:
            key = widget.model._meta.get_field(widget.field).verbose_name
        except FieldDoesNotExist:
            return label
        return _("%(field)s (%(key)s)") % {"field": label, "key": key}
    return label


class RecordExportForm(SelectableFieldsExportForm):
    def _get_field_label(self, resource, field_name: str) -> str:
        return column_label(resource, field_name)
