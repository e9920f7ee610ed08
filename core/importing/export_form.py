"""The admin's export form: the workbook chosen by default, a choice between
Chinese headers and labels and the canonical codes, and each column offered
by its name in words.

import-export's selectable-fields form labels a column by its code name
("Staff No", "Unit Code"); this one uses the column's header in the
interface's language (``headers.column_label``: 关员工号, 单位编码), and
for a field of another kind of resource the model field's verbose name.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from import_export.forms import SelectableFieldsExportForm

from .exporting import CHINESE, CODES
from .headers import column_label, model_field
from .resources import Column, RecordResource


def default_header_mode() -> str:
    """Chinese headers and labels in the Chinese interface, the codes otherwise."""
    return CHINESE if (translation.get_language() or "").startswith("zh") else CODES


def field_words(resource, name: str) -> str:
    """The words for the export column ``name`` of ``resource``."""
    field = resource.fields.get(name)
    if isinstance(field, Column):
        return column_label(resource, field, translation.get_language() or "zh-hans")
    attribute = (field.attribute if field is not None and field.attribute else name) or name
    try:
        return capfirst(str(model_field(resource._meta.model, attribute).verbose_name))
    except (FieldDoesNotExist, AttributeError):
        return name


class RecordExportForm(SelectableFieldsExportForm):
    headers = forms.ChoiceField(
        label=gettext_lazy("Headers and values"),
        choices=[
            (CHINESE, gettext_lazy("Chinese headers and labels")),
            (CODES, gettext_lazy("Canonical column names and codes (for scripts)")),
        ],
        required=False,
    )

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].initial = "0"
        self.fields["headers"].initial = default_header_mode()
        if not any(issubclass(resource, RecordResource) for resource in resources):
            self.fields["headers"].widget = forms.HiddenInput()
        self.order_fields(["format", "headers"])

    def header_mode(self) -> str:
        return self.cleaned_data.get("headers") or default_header_mode()

    def _get_field_label(self, resource, field_name: str) -> str:
        return field_words(resource, field_name)
