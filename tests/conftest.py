"""Personas and a small service used across the suite.

The tree (codes as in the demo service):

    0000 海关总署 (hq)
    ├── 9100 广东分署 (supervisory office)  — supervises 5100 and 5200
    ├── 9200 天津特派办 (supervisory office) — supervises 0200
    ├── 5100 广州海关 (direct) ── 5101 黄埔海关 (subordinate) ── 5102 黄埔海关查验科 (department)
    ├── 5200 深圳海关 (direct) ── 5201 皇岗海关 (subordinate)
    └── 0200 天津海关 (direct)

alice: HR at 5100 (sees 5100, 5101, 5102). bob: supervision at 9100
(sees 9100 and everything of 5100 and 5200). charlie: HR at 0200 (sees
nothing of Guangdong). dora: leadership at hq (everything, read-only).
"""

import contextvars
import datetime as dt
import gc
from io import StringIO

import pytest
from _pytest.runner import pytest_runtest_protocol as _runner_protocol
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.template.base import Template
from django.test import override_settings
from django.test.signals import template_rendered
from django.test.utils import setup_databases, teardown_databases
from django.utils import translation

from accounts.services import grant_create
from config.datastack import with_room
from fixtures.accounts import demo_accounts_create
from fixtures.demo import DemoService, default_year
from fixtures.loader import demo_service_load
from integrity.models import AccessLog, Case
from org.models import Unit
from org.roles import Role
from org.services import unit_scope_rebuild
from tests import testdb
from tests.factories import OfficerFactory, UnitFactory, UserFactory
from tests.shared import KeptTransaction


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the interface's default language: a request
    answered in another (LocaleMiddleware activates the reader's language
    for the thread and leaves it) must not decide what a later test renders
    outside a request, such as a PDF made by a command."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the tests' local-memory one):
    a page kept for a user of an earlier test, whose ids a rolled-back
    database hands out again, must not be served to this one."""
    cache.clear()


_RENDER_DEPTH = contextvars.ContextVar("render_depth", default=0)


def _outermost_template_render(self, context):
    """Django's test instrumentation of template rendering, for the outermost
    template of each render only.

    The test client keeps a copy of the context of every template a response
    renders, included and widget templates too: an admin change page renders
    about a hundred, and copying their contexts was a tenth of its time. A
    test reads the view's own context (``response.context["cl"]``) and the
    page's template, both of which the outermost render holds; the templates
    it extends or includes share that context."""
    depth = _RENDER_DEPTH.get()
    if depth == 0:
        template_rendered.send(sender=self, template=self, context=context)
    token = _RENDER_DEPTH.set(depth + 1)
    try:
        return self.nodelist.render(context)
    finally:
        _RENDER_DEPTH.reset(token)


@pytest.fixture(scope="session", autouse=True)
def _light_template_instrumentation(django_test_environment):
    """Replaces ``instrumented_test_render`` (installed by Django's
    ``setup_test_environment``) for the session."""
    instrumented = Template._render
    Template._render = _outermost_template_render
    yield
    Template._render = instrumented


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """pytest-django's set-up of the test database, except that on SQLite
    it is copied from a migrated template kept between runs (tests/testdb.py)."""
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if testdb.uses_template():
            old_config = testdb.setup_from_template(verbosity)
        else:
            old_config = setup_databases(verbosity=verbosity, interactive=False)
    yield
    with django_db_blocker.unblock():
        teardown_databases(old_config, verbosity=verbosity)


# --- The demo service, loaded once per test process ---------------------------------------------------------------
#
# Building the demo is the most expensive set-up of the suite, so the tests
# that need it share one load of each size: `shared_demo` is
# `load_demo --scale 600 --reset`, as `make demo` runs it, over an access-log
# row and a case that were there before (what --reset keeps and what it
# replaces); `small_demo` is 100 officers with data up to 2009 and the demo
# accounts, where the pages walk every scope. The tests that use one are
# collected back to back and, under pytest-xdist, sent to one worker (the
# group "demo-<fixture>", one per demo, so the two loads run on different
# workers at once); the load stays in an open transaction while they run, each
# test in a savepoint of its own on top (tests/shared.py), and is rolled
# back before the first test that does not use it.

DEMO_SCALE = 600
SMALL_DEMO_YEAR = 2009
DEMO_GROUP = "demo"


def _demo_build() -> dict:
    log = AccessLog.objects.create(username="reader", action="view", record_kind="integrity.case", object_ids="1")
    old_case = Case.objects.create(case_no="OLD-1", opened_date=dt.date(2020, 1, 1))
    out, err = StringIO(), StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", "--scale", str(DEMO_SCALE), "--reset", stdout=out, stderr=err)
    return {
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "log_pk": log.pk,
        "old_case_pk": old_case.pk,
        "service": DemoService(scale=DEMO_SCALE, seed=1, year=default_year()),
    }


def _small_demo_build() -> dict:
    service = DemoService(scale=100, seed=1, year=SMALL_DEMO_YEAR)
    demo_service_load(service=service)
    demo_accounts_create()
    return {"service": service}


class _SharedDemo:
    """One demo build, loaded on first use and kept until ``close``."""

    def __init__(self, build):
        self.build = build
        self.kept = None
        self.value = None

    def load(self, django_db_blocker) -> dict:
        if self.kept is None or not self.kept.is_open:
            self.kept = KeptTransaction(django_db_blocker)
            self.value = self.kept.open(self.build)
        return self.value

    def close(self) -> None:
        if self.kept is not None:
            self.kept.close()


_SHARED = {"shared_demo": _SharedDemo(_demo_build), "small_demo": _SharedDemo(_small_demo_build)}


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo service as `make demo` loads it (see above): ``stdout`` and
    ``stderr`` of load_demo, the generator (``service``) whose rows were
    loaded, and the keys of the access-log row and the case of before."""
    return _SHARED["shared_demo"].load(django_db_blocker)


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """The 100-officer demo service up to 2009 with the demo accounts;
    ``service`` is its generator."""
    return _SHARED["small_demo"].load(django_db_blocker)


def _demo_of(item) -> str | None:
    names = getattr(item, "fixturenames", ())
    return next((name for name in _SHARED if name in names), None)


_TEMPLATE_BUILD = pytest.StashKey()


def pytest_configure(config):
    """A parallel run's controller starts building the SQLite test template
    when there is none (tests/testdb.py), while the workers start."""
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        config.stash[_TEMPLATE_BUILD] = testdb.template_build_start()


def pytest_unconfigure(config):
    build = config.stash.get(_TEMPLATE_BUILD, None)
    if build is not None:
        build.wait()
    # pytest's check for exceptions raised in finalizers then runs five full
    # collections in a row, to free garbage that frees more garbage; each
    # walks everything the tests left alive (a second or more at the end of
    # a worker). One collection frees the garbage; frozen, what survives it
    # is not walked again.
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session):
    """Python's cyclic garbage collector, tuned for a test process.

    Everything alive once the tests are collected (Django, every module, the
    URL and template caches) lives until the process ends; frozen, it is not
    walked again at each full collection, which with the default thresholds
    ran every few hundred requests over some 400,000 objects and took a tenth
    of the URL sweep's time. The young generations are collected less often
    for the same reason; a request's garbage is freed either way."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """Each test -- its set-up, call and tear-down -- run by pytest's own
    runner from a frame with room on CPython's frame stack
    (config/datastack.py): without it a page's templates map and unmap a
    chunk of the stack hundreds of times per request."""
    return with_room(_runner_protocol, item=item, nextitem=nextitem)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Collect the tests that use a demo back to back (each demo's where the
    first of them is) and put them in the xdist group of that demo; then
    move the tests marked ``early`` to the front."""
    for name in _SHARED:
        users = [item for item in items if _demo_of(item) == name]
        if not users:
            continue
        # xdist names a test's group by all its xdist_group marks together: a
        # user that carries its module's group too (the generator module
        # tests/fixtures/test_demo_integrity_audit.py) would land in a group
        # of its own, maybe on the other worker, which would load the demo
        # again. Every user of the demo carries the same set of names.
        names = {mark.args[0] for item in users for mark in item.iter_markers("xdist_group")}
        for item in users:
            for group in sorted(names | {f"{DEMO_GROUP}-{name}"}):
                item.add_marker(pytest.mark.xdist_group(group))
        first = items.index(users[0])
        rest = [item for item in items if _demo_of(item) != name]
        items[:] = rest[:first] + users + rest[first:]
    # xdist hands out the groups first (the most tests first), then single
    # tests in this order, one at a time: the tests marked ``early`` (seconds
    # each) go before the quick ones, so that the run ends on quick tests on
    # both workers instead of one worker finishing a long test alone.
    # pytest-django sorts next, keeping this order within its classes (the
    # tests of the database, those that commit, the others).
    items.sort(key=lambda item: item.get_closest_marker("early") is None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Roll a demo back once its last test in a row is torn down."""
    try:
        return (yield)
    finally:
        name = _demo_of(item)
        if name and (nextitem is None or _demo_of(nextitem) != name):
            _SHARED[name].close()


# --- The small service of the module docstring ---------------------------------------------------------------------


@pytest.fixture
def tree(db):
    return tree_create()


def tree_create():
    """The tree above, keyed by unit code."""
    K = Unit.Kind
    hq = UnitFactory(code="0000", name="海关总署", kind=K.HQ, parent=None)
    gd = UnitFactory(code="9100", name="广东分署", kind=K.SUPERVISORY_OFFICE, parent=hq)
    tj_office = UnitFactory(code="9200", name="天津特派办", kind=K.SUPERVISORY_OFFICE, parent=hq)
    gz = UnitFactory(code="5100", name="广州海关", kind=K.DIRECT, parent=hq, supervisory_office=gd)
    hp = UnitFactory(code="5101", name="黄埔海关", kind=K.SUBORDINATE, parent=gz)
    hp_dept = UnitFactory(code="5102", name="黄埔海关查验科", kind=K.DEPARTMENT, parent=hp)
    sz = UnitFactory(code="5200", name="深圳海关", kind=K.DIRECT, parent=hq, supervisory_office=gd)
    hg = UnitFactory(code="5201", name="皇岗海关", kind=K.SUBORDINATE, parent=sz)
    tj = UnitFactory(code="0200", name="天津海关", kind=K.DIRECT, parent=hq, supervisory_office=tj_office)
    unit_scope_rebuild()
    return {u.code: u for u in (hq, gd, tj_office, gz, hp, hp_dept, sz, hg, tj)}


def _user_with_grant(username, role, unit):
    user = UserFactory(username=username)
    grant_create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def alice(tree):
    return _user_with_grant("alice", Role.HR, tree["5100"])


@pytest.fixture
def bob(tree):
    return _user_with_grant("bob", Role.SUPERVISION, tree["9100"])


@pytest.fixture
def charlie(tree):
    return _user_with_grant("charlie", Role.HR, tree["0200"])


@pytest.fixture
def dora(tree):
    return _user_with_grant("dora", Role.LEADERSHIP, tree["0000"])


@pytest.fixture
def officers(tree):
    """One officer in each unit that holds people, keyed by unit code."""
    return {
        code: OfficerFactory(unit=tree[code], name=f"{tree[code].name}关员")
        for code in ("5100", "5101", "5102", "5200", "5201", "0200")
    }
