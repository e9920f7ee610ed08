"""Every URL of the project, for every persona: no 500, and nothing hidden.

Generated: the URLs come from the URL resolver (tests/security/urlsweep.py),
the filters from the models' relations, the searches from the texts of the
records each persona may not read -- a new page, admin or relation is swept
without editing this file. For each persona the sweep asks every URL with a
record in scope and one out of scope, and every admin list and export with
a filter on every relation of the kind and a search for hidden texts; as the
superuser and the most tangled persona it also asks ids that do not exist,
junk and typed query strings (bad years, dates, pages, sorts, units), and
as the latter relations two hops out, in both directions. It asserts:

- no response is a server error;
- no response (page, JSON, CSV, xlsx, PDF) contains the identifying text of
  a record the persona may not read (decided by the scoping layer);
- a filter the list does not declare never changes what the list or its
  export holds, and a search for a hidden record's text finds nothing;
- every HTML page asked without a query string, read in the Chinese UI, has
  no English word outside the data it shows (tests/security/chinese.py).
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import zipfile
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.utils.http import urlencode

from audit.models import RectificationEvidence, RectificationItem
from core import indicators as engine
from integrity.models import Case, CaseEvidence, RiskAlert
from jobs.models import Job

from .chinese import LATIN_WORDS, WORD, data_words, english_words, is_html, shown_text
from .conftest import PERSONAS, hidden_texts
from .urlsweep import Pattern, patterns, urls

PDFTOTEXT = shutil.which("pdftotext")

# Seconds per test: sent to a worker before the quick tests (tests/conftest.py).
pytestmark = pytest.mark.early

# Typed query strings: each names every parameter a project view reads, so
# one request tries the bad value of each (views read only their own).
TYPED_QUERIES = [
    "year=abc&page=abc&sort=nosuch&as_of=abc&min_score=abc&rule=nosuch&status=nosuch&nosuchfield=1",
    "year=0&page=999&sort=-&as_of=0001-01-01&min_score=-1&missing=1&q=S0",
    "year=99999&page=-1&as_of=9999-12-31&unit=%25",
    "unit=5101&year=2009",
    "unit=9999",
]
# Asked of every URL of a project view: in scope, out of scope.
SCOPE_QUERIES = ["", "unit=0200"]
# Asked of every admin list: pages and orderings that do not exist, a
# parameter no list takes, a field a popup may not return.
LIST_QUERIES = ["p=999&o=99", "p=abc&o=1.-2.abc&all=&_to_field=nosuch", "nosuchfield=1"]
# Values naming nothing (ids, codes and keys that do not exist, junk). A
# server error on junk comes from parsing the value, not from the reader's
# grants, so the junk is sent as the superuser and as the persona whose
# grants are the most tangled (supervision over the unit that holds his own
# case); every persona still gets every URL with records in and out of its
# scope, every declared and undeclared relation filter one hop out, every
# search and every export.
JUNK_VALUES = {"999999", "abc", "nosuch", "S9999", "9999", "nosuch/", "personnel/nosuch/"}
JUNK_PERSONAS = ("admin", "suspect")
# Relation filters two hops out are asked as the scoped persona with the
# most tangled grants; the others (and the superuser, who may read every
# kind) get every relation one hop out.
TWO_HOP_PERSONAS = ("suspect",)


def _value_makers(service, junk=True):
    makers = _all_value_makers(service)
    if junk:
        return makers

    def without_junk(values):
        if callable(values):
            return lambda pattern: [v for v in values(pattern) if v not in JUNK_VALUES]
        return [v for v in values if v not in JUNK_VALUES]

    return {name: without_junk(values) for name, values in makers.items()}


def _all_value_makers(service):
    s = service
    case_ct = ContentType.objects.get_for_model(Case).pk

    def object_ids(pattern: Pattern):
        if pattern.model_admin is None:
            return [str(s.samples[Case]["in"]), str(s.samples[Case]["out"]), "999999"]
        model = pattern.model_admin.model
        sample = s.samples.get(model)
        if sample:
            known = [sample["in"], sample["out"]]
        else:
            known = list(model.objects.order_by("pk").values_list("pk", flat=True)[:1])
        return [str(pk) for pk in known] + ["999999"]

    def evidence_ids(pattern: Pattern):
        model = RectificationEvidence if pattern.url_name == "evidence_download" else CaseEvidence
        return [str(s.samples[model]["in"]), str(s.samples[model]["out"]), "999999"]

    def version_ids(pattern: Pattern):
        model = pattern.model_admin.model
        sample = s.samples.get(model, {})
        history = model.history.filter(**{f"{model._meta.pk.attname}__in": list(sample.values())})
        return [str(pk) for pk in history.values_list("history_id", flat=True)] + ["abc"]

    def job_ids(pattern: Pattern):
        # A finished job of the admin persona: the owner's page, everyone else's 404.
        job = Job.objects.filter(owner=s.users["admin"]).first() or Job.objects.create(
            owner=s.users["admin"], kind="risk_scan", title="sweep", status=Job.Status.SUCCEEDED, total=1, done=1
        )
        return [str(job.pk), "00000000-0000-0000-0000-000000000000"]

    return {
        "object_id": object_ids,
        "job_id": job_ids,
        "id": object_ids,
        # simple_history's version page: unnamed groups (record, version).
        "_0": object_ids,
        "_1": version_ids,
        "version_id": version_ids,
        "app_label": ["personnel", "integrity", "audit", "training", "auth", "nosuch"],
        "content_type_id": [str(case_ct), "999999"],
        "staff_no": ["S5101", "S0200", "S9999"],
        "code": ["5101", "0200", "9999"],
        "key": [i.key for i in engine.indicators()] + ["nosuch"],
        "item_id": [str(s.samples[RectificationItem]["in"]), str(s.samples[RectificationItem]["out"]), "999999"],
        "case_id": [str(s.samples[Case]["in"]), str(s.samples[Case]["out"]), "999999"],
        "evidence_id": evidence_ids,
        "pk": [str(s.samples[RiskAlert]["in"]), str(s.samples[RiskAlert]["out"]), "999999"],
        "action": ["review", "nosuch"],
        "uidb64": ["MQ"],
        "token": ["set-password", "abc"],
        "url": ["nosuch/", "personnel/nosuch/"],
        # The API's import kinds.
        "kind": ["training", "cases", "nosuch"],
    }


def relation_filters(model, hops=2) -> list[str]:
    """``isnull`` filters on every relation of the kind, in both directions,
    and (``hops=2``) one relation further."""
    queries = []
    for rel in model._meta.get_fields():
        if not rel.is_relation or rel.related_model is None:
            continue
        queries.append(f"{rel.name}__isnull=False")
        if hops < 2:
            continue
        queries.append(f"{rel.name}__isnull=True")
        for nxt in rel.related_model._meta.get_fields():
            if nxt.is_relation and nxt.related_model is not None and nxt.related_model is not model:
                queries.append(f"{rel.name}__{nxt.name}__isnull=False")
    return queries


def search_tokens(hidden) -> list[str]:
    """A few hidden texts to search for: a case number and a name (an
    officer's, a posting's, a course's), enough for a search path into a
    hidden kind."""
    picks = [sorted(t for t in hidden if t.startswith("AJ-")), sorted(t for t in hidden if not t.isascii())]
    return [group[0] for group in picks if group]


def _junk_filters(model_admin) -> list[str]:
    queries = []
    for item in model_admin.list_filter:
        path = item[0] if isinstance(item, (list, tuple)) else item
        if isinstance(path, str):
            queries += [f"{path}=%FF", f"{path}__exact=zzz", f"{path}__isnull=maybe"]
    if model_admin.date_hierarchy:
        dh = model_admin.date_hierarchy
        queries += [f"{dh}__year=abc", f"{dh}__year=2009&{dh}__month=13", f"{dh}__year=0"]
    return queries


def _autocomplete_queries(tokens, junk) -> list[str]:
    queries = []
    for model, model_admin in admin.site._registry.items():
        for field_name in getattr(model_admin, "autocomplete_fields", ()):
            for term in ["", *search_tokens(tokens)[:1]]:
                queries.append(
                    urlencode(
                        {
                            "app_label": model._meta.app_label,
                            "model_name": model._meta.model_name,
                            "field_name": field_name,
                            "term": term,
                        }
                    )
                )
    return queries + (["app_label=personnel&model_name=nosuch&field_name=x", "term=x"] if junk else [])


def _text(response) -> str:
    """What a reader of the response would see, whatever its format."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    if "pdf" in kind:
        return _pdf_text(content)
    if "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.namelist() + [_pdf_text(archive.read(n)) for n in archive.namelist()])
    return content.decode("utf-8", errors="replace")


@functools.lru_cache(maxsize=256)
def _pdf_text(pdf: bytes) -> str:
    """The text of a PDF (the same PDF, asked for with another junk query,
    is read once)."""
    if not PDFTOTEXT:
        return pdf.decode("latin-1")
    return subprocess.run([PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


class Sweep:
    def __init__(self, client, hidden, junk, hops):
        self.client, self.hidden, self.junk, self.hops = client, hidden, junk, hops
        self.problems: list[str] = []
        self.requests = 0
        # The text a reader sees on each HTML page asked without a query
        # string, by URL: checked for English words once the sweep is done.
        self.shown: dict[str, list[str]] = {}
        # The Latin words typed into the addresses asked: a page may echo
        # them back (a message naming an ignored filter), as data.
        self.typed: set[str] = set()

    def ask(self, url, query="", data=None):
        full = f"{url}?{query}" if query else url
        self.requests += 1
        self.typed.update(WORD.findall(unquote(full)))
        response = self.client.post(full, data) if data is not None else self.client.get(full)
        where = f"{'POST' if data is not None else 'GET'} {full}"
        if response.status_code >= 500:
            self.problems.append(f"{where}: {response.status_code}")
            return response
        if not query and data is None and full not in self.shown and is_html(response):
            self.shown[full] = shown_text(response.content.decode())
        if response.status_code == 200:
            # A text the user typed into the address may be echoed back. The
            # response is read once (a PDF through pdftotext, a workbook
            # through openpyxl), then searched for every hidden text.
            text, typed = _text(response), unquote(full)
            # Kept for comparing two answers: a streamed body is read once.
            response.swept_text = text
            shown = [t for t in self.hidden if t in text and t not in typed]
            if shown:
                self.problems.append(f"{where}: shows {sorted(shown)}")
        return response

    def check_chinese(self):
        """Every page read, against the words of the data: read after the
        pages, which write some (the access log records the paths asked)."""
        allowed = LATIN_WORDS | data_words() | self.typed
        for url, parts in self.shown.items():
            self.problems += [f"GET {url}: {p}" for p in english_words(parts, allowed)]


def _rows(response):
    cl = response.context["cl"] if response.status_code == 200 and response.context else None
    return None if cl is None else [obj.pk for obj in cl.result_list]


def _export_form(sweep, url):
    page = sweep.ask(url)
    if page.status_code != 200 or not page.context or "form" not in page.context:
        return None
    form = page.context["form"]
    data = {
        "format": next(v for v, label in form.fields["format"].choices if str(label).lower() == "csv"),
        "resource": form.fields["resource"].initial or 0,
    }
    for name, field in form.fields.items():
        if getattr(field, "is_selectable_field", False) and field.resource_index == int(data["resource"]):
            data[name] = "on"
    return data


def _sweep_admin_list(sweep, pattern, url):
    model_admin = pattern.model_admin
    tokens = search_tokens(sweep.hidden)
    base = sweep.ask(url)
    if sweep.junk:
        for query in LIST_QUERIES + _junk_filters(model_admin):
            sweep.ask(url, query)
    unfiltered = _rows(base)
    for query in relation_filters(model_admin.model, hops=sweep.hops):
        response = sweep.ask(url, query)
        if response.status_code == 200 and _rows(response) != unfiltered:
            sweep.problems.append(f"GET {url}?{query}: the undeclared filter changed the list")
    for token in tokens:
        response = sweep.ask(url, urlencode({SEARCH_VAR: token}))
        if _rows(response):
            sweep.problems.append(f"GET {url}?q={token}: a search for a hidden record found {_rows(response)}")


def _sweep_export(sweep, url, pattern):
    data = _export_form(sweep, url)
    if sweep.junk:
        sweep.ask(url, "nosuchfield=1")
    if data is None:
        return
    whole = sweep.ask(url, "", data)
    for query in relation_filters(pattern.model_admin.model, hops=1):
        response = sweep.ask(url, query, data)
        if response.status_code == 200 and response.swept_text != getattr(whole, "swept_text", None):
            sweep.problems.append(f"POST {url}?{query}: the undeclared filter changed the export")


def _queries_for(pattern: Pattern, tokens, first: bool, junk: bool) -> list[str]:
    if pattern.url_name == "autocomplete":
        return _autocomplete_queries(tokens, junk)
    if pattern.template.startswith("/admin/"):
        return [""]
    return SCOPE_QUERIES + (TYPED_QUERIES if first and junk else [])


# The sweep of one persona in two halves of similar cost, so that parallel
# workers share it: the admin's pages, and every other page.
PARTS = {"admin": lambda p: p.template.startswith("/admin/"), "pages": lambda p: not p.template.startswith("/admin/")}


def _sweep(client, service, user, part, junk, hops):
    sweep = Sweep(client, hidden_texts(service, user), junk, hops)
    makers = _value_makers(service, junk)
    for pattern in filter(PARTS[part], patterns()):
        for index, url in enumerate(urls(pattern, makers)):
            if pattern.model_admin is not None and pattern.url_name.endswith("_changelist"):
                _sweep_admin_list(sweep, pattern, url)
            elif pattern.model_admin is not None and pattern.url_name.endswith("_export"):
                _sweep_export(sweep, url, pattern)
            else:
                for query in _queries_for(pattern, sweep.hidden, first=index == 0, junk=junk):
                    sweep.ask(url, query)
    return sweep


@pytest.fixture
def service(kept_service, db):
    # Built once for the module (tests/security/conftest.py); the sweep only reads.
    return kept_service


def test_every_url_pattern_gets_a_url(service):
    """The guard: a page whose parameters the sweep cannot fill fails here,
    not silently outside the sweep. A route shadowed by an earlier one with
    the same path (the admin's own login page) is reached through it."""
    makers = _value_makers(service)
    seen, missing = set(), []
    for pattern in patterns():
        unknown = [p for p in pattern.params if p not in makers]
        assert not unknown, f"{pattern.template}: the sweep has no values for {unknown}"
        if not urls(pattern, makers) and pattern.template not in seen:
            missing.append(pattern.template)
        seen.add(pattern.template)
    assert missing == []


def test_the_hidden_texts_are_those_worked_out_by_hand(service):
    s, users = service, service.users
    assert {"AJ-SUSPECT-5100", "AJ-OFFICER-5101", "AJ-TIANJIN-0200"} <= hidden_texts(s, users["hr"])
    assert {"AJ-SUSPECT-5100", "AJ-OFFICER-5101"} <= hidden_texts(s, users["leader"])
    assert "AJ-SUSPECT-5100" in hidden_texts(s, users["suspect"])
    assert "AJ-OFFICER-5101" not in hidden_texts(s, users["suspect"])
    assert {"AJ-TIANJIN-0200", "津门秘员", "S0200"} <= hidden_texts(s, users["supervisor"])
    assert hidden_texts(s, users["admin"]) == set()


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_every_url_without_error_or_hidden_record(service, persona, part):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(service.users[persona])
    sweep = _sweep(
        client,
        service,
        service.users[persona],
        part,
        junk=persona in JUNK_PERSONAS,
        hops=2 if persona in TWO_HOP_PERSONAS else 1,
    )
    sweep.check_chinese()
    assert sweep.requests > 100
    assert len(sweep.shown) > 50
    assert sweep.problems == []
