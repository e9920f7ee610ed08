"""Reading a page in the Chinese UI for English words outside the data it
shows: what a reader sees (the text, and the attributes shown as text:
title, placeholder, aria-label, the value of a button). A word in Latin
letters is a problem unless

- it is part of a data value: a word of any text stored in the database
  (names, case numbers, usernames, the factories' English descriptions), or
- it is one of the few names and formats the Chinese UI writes in Latin
  letters (PDF, API, Excel, ...), or
- it stands in an element marked ``lang`` other than Chinese (the language
  switch offers "English" in English on purpose).

The URL sweep (test_url_sweep.py) reads every HTML page it asks without a
query string through ``shown_text`` and checks it with ``english_words``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

# Written in Latin letters in the Chinese UI too: file formats, the names of
# standards and products, units of measure.
LATIN_WORDS = {
    "PDF",
    "API",
    "Excel",
    "CSV",
    "csv",
    "xlsx",
    "XLSX",
    "xls",
    "zip",
    "json",
    "JSON",
    "yaml",
    "YAML",
    "tsv",
    "TSV",
    "ods",
    "html",
    "HTML",
    "OpenAPI",
    "Swagger",
    "ReDoc",
    "UI",
    "TOTP",
    "ID",
    "URL",
    "YYYY",
    "MM",
    "DD",
    "ok",
    "SHA",
    "LDAP",
    # Django's own Chinese: "按住 Control 键或 Mac 上的 Command 键来选择多项".
    "Control",
    "Mac",
    "Command",
}
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z'’]+(?![A-Za-z0-9_])")
# ``alt`` is left out: the admin's yes/no icons carry Django's untranslated
# alt="True"/"False", which only a screen reader reads.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label"}
# ``code`` holds literal tokens a user types (the column headers an import
# file may use), not words of the UI.
SKIPPED_ELEMENTS = {"script", "style", "template", "noscript", "code"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    """The text a reader sees, outside elements in another language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        hidden = self._hidden() or tag in SKIPPED_ELEMENTS or bool(lang and not lang.startswith("zh"))
        if not hidden:
            self.parts += [v for k, v in attrs.items() if k in SHOWN_ATTRIBUTES and v]
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.parts.append(data)


def shown_text(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.parts


def data_words() -> set[str]:
    """Every Latin word of every text stored in the database."""
    words = set()
    texts = (models.CharField, models.TextField, models.JSONField)
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, texts)]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value:
                    # A JSON value reads as Python's repr ("['2 complaints']"):
                    # a word is kept without the quote that ends it too.
                    found = WORD.findall(str(value))
                    words.update(found)
                    words.update(w.strip("'’") for w in found)
    return words


# A secret shown masked (a password hash's first characters, then stars).
MASKED = re.compile(r"\S*\*{4,}")


def english_words(parts: list[str], allowed: set[str]) -> list[str]:
    """Each text with a Latin word not allowed, shortened around the word."""
    found = []
    for text in parts:
        bad = [w for w in WORD.findall(MASKED.sub(" ", text)) if w not in allowed and w.strip("'’") not in allowed]
        if bad:
            found.append(f"{sorted(set(bad))} in {' '.join(text.split())[:160]!r}")
    return found


def is_html(response) -> bool:
    return not response.streaming and response.get("Content-Type", "").startswith("text/html")
