"""The headers of a kind's files: what an import accepts, what an export writes.

One place decides both, so that a file exported with Chinese headers imports
again and a person's own spreadsheet with the words of the forms imports too:

* ``column_label(resource, column)`` -- the one header a column is shown
  under in the active language: the column's ``label`` if it declares one,
  else the label of the model field the column reads (its verbose name, as
  the forms show it), and for a reference the label of the code it holds
  (``Officer.staff_no``: 工号).
* ``header_labels(resource)`` -- {column name: label} in the order of the
  export, for writing a file with Chinese (or English) headers.
* ``header_aliases(resource)`` -- {header: column name}, every header the
  import accepts, normalised with ``files.normalise_header``: the canonical
  name of shared/spec/data-formats.md, the Chinese names the resource
  declares, and the labels and model-field labels in every language of the
  interface. A derived label two columns would share names neither (the
  declared names always win); a label that is not unique within its kind is
  a programming error, as an export under it could not be read back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from .files import normalise_header


def _field(resource, attribute: str):
    """The model field at the end of ``attribute`` (``case__status``)."""
    model, parts = resource._meta.model, attribute.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def column_label(resource, column) -> str:
    """The header ``column`` is shown under, in the active language."""
    if column.label is not None:
        return str(column.label)
    if column.is_reference:
        return str(column.widget.model._meta.get_field(column.widget.field).verbose_name)
    return str(_field(resource, column.attribute).verbose_name)


def header_labels(resource) -> dict[str, str]:
    """{column name: its header in the active language}, in export order."""
    labels = {column.column_name: column_label(resource, column) for column in resource.columns()}
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
    """The labels of ``column`` in every language of the interface."""
    words = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words.add(column_label(resource, column))
            words.add(str(_field(resource, column.attribute).verbose_name))
    return {normalise_header(word) for word in words if word}


def header_aliases(resource) -> dict[str, str]:
    """{normalised header: column name} for every header the import accepts."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            header_labels(resource)
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
