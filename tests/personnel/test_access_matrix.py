"""The access rules of shared/spec/access.md on every surface, persona by
persona and kind by kind: querysets, admin lists, searches, change, history
and delete pages, and exports. Expectations are written out by hand in
access_expectations.py."""

import csv
import io

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.conftest import tree_create
from tests.personnel.access_expectations import KINDS, PERSONAS, READ, WRITE, key
from tests.personnel.conftest import personas_create, world_create
from tests.shared import KeptTransaction, refetch

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The tree, the world and the personas, built once for the module's
    ~700 tests (each runs in a savepoint on top, tests/shared.py)."""
    kept = KeptTransaction(django_db_blocker)

    def build():
        tree = tree_create()
        world = world_create(tree)
        return {"tree": tree, "world": world, "personas": personas_create(world, tree)}

    yield kept.open(build)
    kept.close()


@pytest.fixture(autouse=True)
def _sessions_in_the_cache(settings):
    """Where a session is kept says nothing about who may open what; in the
    cache (as the URL sweep keeps them) a request loads it without a query."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


@pytest.fixture
def _matrix(matrix, db):
    return refetch(matrix)


@pytest.fixture
def tree(_matrix):
    return _matrix["tree"]


@pytest.fixture
def world(_matrix):
    return _matrix["world"]


@pytest.fixture
def personas(_matrix):
    return _matrix["personas"]


ADMIN_KINDS = tuple(KINDS)


def _url(kind, view, *args):
    model = KINDS[kind]
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _admin_registered_or_skip(kind):
    # The training admin is written by another engineer; until it is
    # registered there is no admin surface for those kinds to test.
    if not admin.site.is_registered(KINDS[kind]):
        pytest.skip(f"{kind} has no admin yet")


def _client(client, user):
    client.force_login(user)
    return client


# --- querysets: the layer every surface is built on


@pytest.mark.parametrize("kind", tuple(KINDS))
@pytest.mark.parametrize("name", PERSONAS)
def test_it_scopes_every_kind_for_every_persona(personas, name, kind):
    user = personas[name]
    model = KINDS[kind]
    assert {key(kind, o) for o in model.objects.visible_to(user)} == READ[name][kind]
    assert {key(kind, o) for o in model.objects.editable_by(user)} == WRITE[name][kind]


# --- admin lists


@pytest.mark.parametrize("kind", ADMIN_KINDS)
@pytest.mark.parametrize("name", PERSONAS)
def test_it_lists_exactly_the_visible_records(client, personas, world, name, kind):
    _admin_registered_or_skip(kind)
    response = _client(client, personas[name]).get(_url(kind, "changelist"))
    expected = READ[name][kind]
    if not expected:
        # A kind the persona may not read at all: the list itself is refused.
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {key(kind, o) for o in response.context["cl"].result_list} == expected
    if kind not in ("unit", "politicalwork"):
        page = response.content.decode()
        for code in {key(kind, o) for o in KINDS[kind].objects.all()}:
            assert (f"S{code}" in page) == (code in expected), code


@pytest.mark.parametrize(
    "kind, term, matching",
    [
        ("officer", "S0200", {"0200"}),
        ("officer", "S52", {"5200", "5201"}),
        ("officer", "S", {"5100", "5101", "5102", "5200", "5201", "0200"}),
        ("posting", "S0200", {"0200"}),
        ("posting", "S52", {"5200", "5201"}),
        ("leaderappraisal", "S0200", {"0200"}),
        ("reservecadre", "S5201", {"5201"}),
        ("unit", "0200", {"0200"}),
        ("unit", "深圳", {"5200"}),
    ],
)
@pytest.mark.parametrize("name", PERSONAS)
def test_it_searches_only_within_the_visible_records(client, personas, world, name, kind, term, matching):
    _admin_registered_or_skip(kind)
    response = _client(client, personas[name]).get(_url(kind, "changelist"), {"q": term})
    expected = READ[name][kind]
    if not expected:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {key(kind, o) for o in response.context["cl"].result_list} == matching & expected


# --- detail pages: change, history, delete


def _records(world, kind):
    return world[kind].items()


@pytest.mark.parametrize("kind", ADMIN_KINDS)
@pytest.mark.parametrize("name", PERSONAS)
def test_it_opens_the_change_page_of_visible_records_only(client, personas, world, name, kind):
    _admin_registered_or_skip(kind)
    c = _client(client, personas[name])
    answers = {code: c.get(_url(kind, "change", obj.pk)).status_code for code, obj in _records(world, kind)}
    # Out of scope looks exactly like a record that does not exist.
    assert answers == {code: 200 if code in READ[name][kind] else 404 for code in answers}
    assert c.get(_url(kind, "change", 987654)).status_code == 404
    assert c.get(_url(kind, "change", "not-a-number")).status_code == 404


@pytest.mark.parametrize("kind", ADMIN_KINDS)
@pytest.mark.parametrize("name", PERSONAS)
def test_it_opens_the_history_of_visible_records_only(client, personas, world, name, kind):
    _admin_registered_or_skip(kind)
    c = _client(client, personas[name])
    answers = {code: c.get(_url(kind, "history", obj.pk)).status_code for code, obj in _records(world, kind)}
    assert answers == {code: 200 if code in READ[name][kind] else 404 for code in answers}
    assert c.get(_url(kind, "history", 987654)).status_code == 404
    assert c.get(_url(kind, "history", "not-a-number")).status_code == 404


@pytest.mark.parametrize("kind", ADMIN_KINDS)
@pytest.mark.parametrize("name", PERSONAS)
def test_it_opens_a_historical_version_of_visible_records_only(client, personas, world, name, kind):
    _admin_registered_or_skip(kind)
    c = _client(client, personas[name])
    answers = {}
    for code, obj in _records(world, kind):
        version = obj.history.latest("history_date")
        answers[code] = c.get(_url(kind, "simple_history", obj.pk, version.history_id)).status_code
    assert answers == {code: 200 if code in READ[name][kind] else 404 for code in answers}


@pytest.mark.parametrize("kind", ADMIN_KINDS)
@pytest.mark.parametrize("name", PERSONAS)
def test_it_offers_deletion_only_where_the_persona_may_write(client, personas, world, name, kind):
    _admin_registered_or_skip(kind)
    c = _client(client, personas[name])
    answers = {code: c.get(_url(kind, "delete", obj.pk)).status_code for code, obj in _records(world, kind)}
    # Writable: the confirmation page. Visible but read-only: refused (the
    # record's existence is no secret to this user). Invisible: 404.
    expected = {
        code: 200 if code in WRITE[name][kind] else 403 if code in READ[name][kind] else 404 for code in answers
    }
    assert answers == expected
    assert c.get(_url(kind, "delete", 987654)).status_code == 404
    assert c.get(_url(kind, "delete", "not-a-number")).status_code == 404


# --- export


def _export(c, kind):
    """Ask for the CSV export the way the admin's export form does."""
    form_page = c.get(_url(kind, "export"))
    if form_page.status_code != 200:
        return form_page.status_code, None
    form = form_page.context["form"]
    csv_index = next(value for value, label in form.fields["format"].choices if str(label).lower() == "csv")
    # The canonical column names and codes (the browser's default in the
    # Chinese interface is Chinese headers).
    data = {"format": csv_index, "resource": form.fields["resource"].initial or 0, "headers": "codes"}
    for field_name, field in form.fields.items():
        if getattr(field, "is_selectable_field", False) and field.resource_index == int(data["resource"]):
            data[field_name] = "on"
    response = c.post(_url(kind, "export"), data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return 200, list(csv.DictReader(io.StringIO(text)))


def _exported_keys(kind, rows, world):
    """Name each exported row by unit code, whichever resource exported it.

    A resource may name the officer by staff number (data-formats.md) or by
    id (a plain model resource); the fields the conftest marks per unit are
    exported by both."""
    if kind == "unit":
        return {row["code"] for row in rows}
    if kind == "officer":
        return {row["staff_no"][1:] for row in rows}
    if kind == "posting":
        return {row["position"][1:] for row in rows}
    if kind == "reservecadre":
        by_date = {str(obj.added_date): code for code, obj in world["reservecadre"].items()}
        return {by_date[row["added_date"]] for row in rows}
    if kind == "leaderappraisal":
        return {row["comment"][1:] for row in rows}
    if kind == "trainingrecord":
        return {row["course"][1:] for row in rows}
    return {row["title"][1:] for row in rows}


@pytest.mark.parametrize("kind", ADMIN_KINDS)
@pytest.mark.parametrize("name", PERSONAS)
def test_it_exports_only_the_visible_records(client, personas, world, name, kind):
    _admin_registered_or_skip(kind)
    status, rows = _export(_client(client, personas[name]), kind)
    expected = READ[name][kind]
    if not expected:
        assert status == 403
        return
    assert status == 200
    assert len(rows) == len(expected)
    assert _exported_keys(kind, rows, world) == expected
