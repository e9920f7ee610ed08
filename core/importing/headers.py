"""The headers and choice words of a kind's files: what an import accepts,
what an export and a template write.

One place decides both directions, so that a file exported with Chinese
headers imports again, and a person's own spreadsheet with the words of the
forms imports too:

* ``column_label(resource, column)`` -- the Chinese header of a column: its
  ``label`` if it declares one, else the verbose name of the model field it
  sets (following ``case__status`` through the relation). A reference
  column names the record by one of its fields, so its header is the
  field's name followed by that field's (``单位`` + ``编码`` = ``单位编码``,
  ``上级单位`` + ``编码`` = ``上级单位编码``), unless the second already
  starts with the first (``审计`` + ``审计编号`` = ``审计编号``). Exports and
  templates always write the zh-hans labels, whatever language the request
  or command runs in, so a file means the same to everyone.
* ``header_labels(resource)`` -- {column name: label} in export order; two
  columns of a kind sharing a header is a programming error, as a file
  under it could not be read back.
* ``header_aliases(resource)`` -- {normalised header: column name}, every
  header the import accepts: the canonical name of
  shared/spec/data-formats.md, the names the resource declares, and the
  labels and model-field names in every language of the interface (a
  derived word two columns would share names neither).
* ``choice_label(widget, code)`` / ``choice_labels(widget)`` -- the Chinese
  label of a choice code as the forms show it (``in_service`` ->
  ``在职培训``); the importer's ``Choice`` widget reads them back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from .files import normalise_header

LANGUAGE = "zh-hans"


def model_field(model, attribute: str):
    """The field ``attribute`` names from ``model``, through ``__`` relations."""
    *relations, name = attribute.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def column_label(resource, column, language: str = LANGUAGE) -> str:
    """The header of ``column`` (a ``Column`` of ``resource``), in zh-hans
    unless another ``language`` is asked for."""
    with translation.override(language):
        if column.label is not None:
            return str(column.label)
        label = str(model_field(resource._meta.model, column.attribute).verbose_name)
        if column.is_reference:
            named_by = str(column.widget.model._meta.get_field(column.widget.field).verbose_name)
            label = named_by if named_by.startswith(label) else label + named_by
    return label


def header_labels(resource, language: str = LANGUAGE) -> dict[str, str]:
    """{column name: its header}, in export order."""
    labels = {column.column_name: column_label(resource, column, language) for column in resource.columns()}
    seen: dict[str, str] = {}
    for name, label in labels.items():
        other = seen.setdefault(normalise_header(label), name)
        if other != name:
            raise ImproperlyConfigured(
                f"{resource.__name__ if isinstance(resource, type) else type(resource).__name__}: "
                f"columns {other} and {name} share the header {label!r}"
            )
    return labels


def _derived(resource, column) -> set[str]:
    """The labels of ``column`` and of its model field in every language of
    the interface."""
    words = set()
    for language, _name in settings.LANGUAGES:
        words.add(column_label(resource, column, language))
        with translation.override(language):
            words.add(str(model_field(resource._meta.model, column.attribute).verbose_name))
    return {normalise_header(word) for word in words if word}


def header_aliases(resource) -> dict[str, str]:
    """{normalised header: column name} for every header the import accepts."""
    for language, _name in settings.LANGUAGES:
        header_labels(resource, language)
    aliases: dict[str, str] = {}
    for column in resource.columns():
        for word in (column.column_name, *column.aliases):
            other = aliases.setdefault(normalise_header(word), column.column_name)
            if other != column.column_name:
                raise ImproperlyConfigured(f"columns {other} and {column.column_name} both declare the header {word!r}")
    derived: dict[str, set[str]] = {}
    for column in resource.columns():
        for word in _derived(resource, column):
            derived.setdefault(word, set()).add(column.column_name)
    for word, names in derived.items():
        if word not in aliases and len(names) == 1:
            aliases[word] = names.pop()
    return aliases


def choice_labels(widget) -> dict[str, str]:
    """Every code of a ``Choice`` widget -> its Chinese label."""
    with translation.override(LANGUAGE):
        return {str(code): str(label) for code, label in widget.choices.choices}


def choice_label(widget, code) -> str:
    """The Chinese label of one code of a ``Choice`` widget."""
    return choice_labels(widget)[str(code)]
