"""Pages in the Chinese UI have no English word outside the data they show.

Every page of the project is read by the URL sweep (test_url_sweep.py): each
HTML page it asks without a query string, as each persona, goes through the
reader of tests/security/chinese.py. Here: the pages outside the sweep (the
login page, the error pages, the 500 page rendered without a request) and
the reader itself. A string marked for translation without a Chinese entry,
a template text never marked, a button or a message built in English all
fail, with the URL, the persona and the words around it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.template import loader
from django.test import Client
from django.utils import translation

from .chinese import LATIN_WORDS, data_words, english_words, is_html, shown_text


def _check(client, url_list) -> tuple[list[str], int]:
    """The problems of the pages at ``url_list`` and how many were read."""
    problems, shown = [], []
    for url in url_list:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code >= 500:
            problems.append(f"GET {url}: {response.status_code}")
        elif is_html(response):
            shown.append((url, shown_text(response.content.decode())))
    allowed = LATIN_WORDS | data_words()
    for url, parts in shown:
        problems += [f"GET {url}: {p}" for p in english_words(parts, allowed)]
    return problems, len(shown)


@pytest.mark.django_db
def test_it_shows_the_login_and_error_pages_in_chinese():
    client = Client(raise_request_exception=False)
    problems, read = _check(client, ["/accounts/login/", "/no-such-page/"])
    client.force_login(get_user_model().objects.create_user("reader"))
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
