"""Every page of the project, rendered in the Chinese UI, has no English word
outside the data it shows.

The pages are those of the URL sweep (tests/security/urlsweep.py: every URL
pattern, filled with a record each persona may read, one it may not and
one that does not exist), asked as each persona of the sweep's service
(built once for the module, tests/shared.py) with ``Accept-Language:
zh-hans``; then the login page, the error pages and the 500 page, which is
rendered without a request. Of every HTML answer the test reads what a
reader sees: the text, and the attributes shown as text (title,
placeholder, aria-label, alt, the value of a button). A word in Latin
letters fails the test unless

- it is part of a data value: a word of any text stored in the database
  (names, case numbers, usernames, the factories' English descriptions), or
- it is one of the few names and formats the Chinese UI writes in Latin
  letters (PDF, API, Excel, ...), or
- it stands in an element marked ``lang`` other than Chinese (the language
  switch offers "English" in English on purpose).

A string marked for translation without a Chinese entry, a template text
never marked, a button or a message built in English all fail here, with
the URL, the persona and the words around it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.template import loader
from django.test import Client, override_settings
from django.utils import translation

from tests.conftest import tree_create
from tests.shared import KeptTransaction

from .conftest import PERSONAS, service_create
from .test_url_sweep import _value_makers
from .urlsweep import patterns, urls

pytestmark = pytest.mark.django_db

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
                    words.update(WORD.findall(str(value)))
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


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    kept = KeptTransaction(django_db_blocker)
    yield kept.open(lambda: service_create(tree_create()))
    kept.close()


def _is_html(response) -> bool:
    return not response.streaming and response.get("Content-Type", "").startswith("text/html")


def _pages(service) -> list[str]:
    """One URL per pattern and value the sweep offers (a page in scope, one
    out of scope, one that does not exist), plus every admin export form."""
    makers = _value_makers(service)
    found = []
    for pattern in patterns():
        found += urls(pattern, makers)
    return found


def _check(client, url_list) -> tuple[list[str], int]:
    """The problems of the pages at ``url_list`` and how many were read.
    The data words are read after the pages, which write some (the access
    log records the paths it was asked)."""
    problems, shown = [], []
    for url in url_list:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code >= 500:
            problems.append(f"GET {url}: {response.status_code}")
        elif _is_html(response):
            shown.append((url, shown_text(response.content.decode())))
    allowed = LATIN_WORDS | data_words()
    for url, parts in shown:
        problems += [f"GET {url}: {p}" for p in english_words(parts, allowed)]
    return problems, len(shown)


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_every_page_to_each_persona_in_chinese(built, persona):
    client = Client(raise_request_exception=False)
    client.force_login(built.users[persona])
    problems, read = _check(client, _pages(built))
    assert read > 100
    assert problems == []


def test_it_shows_the_login_and_error_pages_in_chinese(built):
    client = Client(raise_request_exception=False)
    problems, read = _check(client, ["/accounts/login/", "/no-such-page/"])
    client.force_login(built.users["officer"])
    more, read_more = _check(client, ["/no-such-page/", "/audit/plan/"])
    with translation.override("zh-hans"):
        server_error = loader.get_template("500.html").render()
    assert "服务器错误" in server_error
    assert (read, read_more) == (2, 2)
    assert problems + more + english_words(shown_text(server_error), LATIN_WORDS) == []


def test_the_reader_catches_english_and_lets_data_and_marked_languages_pass():
    html = (
        '<p title="Hover text">中文 <b>Unit report</b> (PDF)</p><script>var x = "code";</script>'
        '<button lang="en">English</button><input type="submit" value="Save"><p>张三 Smith</p>'
        "<p>可用列名：<code>staff_no, course</code></p>"
    )
    parts = shown_text(html)
    assert english_words(parts, LATIN_WORDS | {"Smith"}) == [
        "['Hover', 'text'] in 'Hover text'",
        "['Unit', 'report'] in 'Unit report'",
        "['Save'] in 'Save'",
    ]
