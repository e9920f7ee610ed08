"""The Chinese form of a kind's columns and choice values.

An export "in Chinese" (the browser's default in the Chinese interface,
``export_records --headers zh``) and every import template write each
column under its Chinese header and each choice by its Chinese label; the
importer reads both back. So there is one rule for each, here, and both
directions use it:

* ``column_label(resource, column)``: the Chinese verbose name of the model
  field the column sets (following ``case__status`` through the relation).
  A reference column names the record by one of its fields, so its header
  is the field's Chinese name followed by that field's (``单位`` + ``编码``
  = ``单位编码``, ``上级单位`` + ``编码`` = ``上级单位编码``), unless the
  second already starts with the first (``审计`` + ``审计编号`` =
  ``审计编号``).
* ``choice_label(widget, code)``: the Chinese label of a choice code, as
  the forms show it (``in_service`` -> ``在职培训``).

The labels are always those of the zh-hans translation, whatever language
the request or command runs in, so a file means the same to everyone.
``header_aliases`` and ``choice_aliases`` are the reverse maps the importer
reads with.
"""

from __future__ import annotations

from django.utils import translation

from .files import normalise_header

LANGUAGE = "zh-hans"


def _model_field(model, attribute: str):
    """The field ``attribute`` names from ``model``, through ``__`` relations."""
    *relations, name = attribute.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def column_label(resource, column) -> str:
    """The Chinese header of ``column`` (a ``Column`` of ``resource``)."""
    with translation.override(LANGUAGE):
        label = str(_model_field(resource._meta.model, column.attribute).verbose_name)
        if column.is_reference:
            named_by = str(column.widget.model._meta.get_field(column.widget.field).verbose_name)
            label = named_by if named_by.startswith(label) else label + named_by
    return label


def choice_labels(widget) -> dict[str, str]:
    """Every code of a ``Choice`` widget -> its Chinese label."""
    with translation.override(LANGUAGE):
        return {str(code): str(label) for code, label in widget.choices.choices}


def choice_label(widget, code) -> str:
    """The Chinese label of one code of a ``Choice`` widget."""
    return choice_labels(widget)[str(code)]


def header_aliases(resource) -> dict[str, str]:
    """Every header the importer accepts for ``resource`` (normalised as
    ``files.normalise_header`` does) -> the canonical column name: the name
    itself, the Chinese header of ``column_label`` and the headers the
    column declares."""
    names = {}
    for column in resource.columns():
        for header in (column.column_name, column_label(resource, column), *column.aliases):
            names[normalise_header(header)] = column.column_name
    return names


def choice_aliases(widget) -> dict[str, str]:
    """Chinese label (lower case) -> code, for the importer's ``Choice``."""
    return {label.lower(): code for code, label in choice_labels(widget).items()}
