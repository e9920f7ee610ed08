"""The Chinese UI has no untranslated string: the catalogues are complete and
compiled, every string the code and the templates mark for translation has
a Chinese entry, and the pages of the project render without English words
outside the data they show (tests/security/chinese.py, read by the URL sweep)."""

from __future__ import annotations

import ast
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Template
from django.template.base import FilterExpression, Node
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "node_modules", ".git", "tests", "migrations", "bench", "__pycache__"}
GETTEXT_CALLS = {
    "_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}


def _project_files(pattern: str) -> list[Path]:
    return sorted(p for p in ROOT.rglob(pattern) if not SKIP_DIRS & set(p.relative_to(ROOT).parts))


def _po_files() -> list[Path]:
    return [p for p in _project_files("*.po") if "zh_Hans" in p.parts]


def _catalogue():
    """The merged zh-hans catalogue Django translates with (the project's
    and Django's own, as at run time)."""
    return trans_real.translation("zh-hans")._catalog


def _key(msgid: str, context: str | None, plural: bool) -> object:
    key = f"{context}\x04{msgid}" if context else msgid
    return (key, 0) if plural else key


# --- The catalogues -----------------------------------------------------------


@pytest.mark.parametrize("po_path", _po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_msgid_of_the_catalogue_has_a_chinese_msgstr(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []


@pytest.mark.parametrize("po_path", _po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_is_up_to_date(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"

    def entries(catalogue, kept):
        return {
            (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalogue
            if e.msgid and kept(e)
        }

    compiled = entries(polib.mofile(str(mo_path)), lambda e: True)
    source = entries(polib.pofile(str(po_path)), lambda e: not e.obsolete and e.translated() and "fuzzy" not in e.flags)
    assert compiled == source, f"{mo_path} differs from its .po: run compilemessages"


# --- Strings marked in the code ---------------------------------------------------


def _python_msgids(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # A context given by a module-level constant (CONTEXT = "import template").
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in GETTEXT_CALLS:
            continue
        offset = GETTEXT_CALLS[name]
        args = node.args
        if len(args) <= offset or not (isinstance(args[offset], ast.Constant) and isinstance(args[offset].value, str)):
            continue
        context = None
        if offset and isinstance(args[0], ast.Constant):
            context = args[0].value
        elif offset and isinstance(args[0], ast.Name):
            context = constants.get(args[0].id)
        yield node.lineno, args[offset].value, context, name.startswith(("ngettext", "npgettext"))


def test_every_string_marked_in_the_python_code_has_a_chinese_entry():
    catalogue = _catalogue()
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {msgid!r}"
        for path in _project_files("*.py")
        for line, msgid, context, plural in _python_msgids(path)
        if msgid and _key(msgid, context, plural) not in catalogue
    ]
    assert missing == []


def _filter_expressions(node: Node):
    for value in vars(node).values():
        candidates = value if isinstance(value, (list, tuple)) else [value]
        for candidate in candidates:
            if isinstance(candidate, FilterExpression):
                yield candidate


def _template_msgids(nodelist):
    for node in nodelist:
        if isinstance(node, TranslateNode):
            var = node.filter_expression.var
            if getattr(var, "literal", None) and not node.noop:
                context = node.message_context.var if node.message_context else None
                yield str(var.literal), context, False
            continue
        if isinstance(node, BlockTranslateNode):
            singular, _vars = node.render_token_list(node.singular)
            context = node.message_context.var if node.message_context else None
            yield singular, context, bool(node.plural)
            continue
        # `_("...")` as a tag's value or a filter's argument (a constant
        # argument is parsed into a lazy translation of its msgid).
        for expression in _filter_expressions(node):
            for var in [expression.var] + [arg for _f, args in expression.filters for _lookup, arg in args]:
                if getattr(var, "translate", False) and getattr(var, "literal", None):
                    yield str(var.literal), getattr(var, "message_context", None), False
                elif isinstance(var, Promise) and getattr(var, "_args", None):
                    yield var._args[-1], var._args[0] if len(var._args) == 2 else None, False
        for attr in node.child_nodelists:
            yield from _template_msgids(getattr(node, attr, None) or [])


def test_every_string_marked_in_the_templates_has_a_chinese_entry():
    catalogue = _catalogue()
    missing = []
    for path in _project_files("*.html"):
        if "templates" not in path.parts:
            continue
        template = Template(path.read_text(encoding="utf-8"))
        for msgid, context, plural in _template_msgids(template.nodelist):
            if msgid.strip() and _key(msgid, context, plural) not in catalogue:
                missing.append(f"{path.relative_to(ROOT)}: {msgid!r}")
    assert missing == []


def test_the_scanner_finds_what_it_is_for():
    """The guard: a made-up untranslated string is caught in a template and
    in Python, a translated one is not."""
    template = Template(
        '{% load i18n %}{% translate "Log out" %}{% translate "Zzz not in any catalogue" %}'
        '{% blocktranslate %}Zzz block {{ x }}{% endblocktranslate %}{{ y|default:_("Zzz filter") }}'
    )
    found = [m for m, _c, _p in _template_msgids(template.nodelist)]
    assert found == ["Log out", "Zzz not in any catalogue", "Zzz block %(x)s", "Zzz filter"]
    catalogue = _catalogue()
    assert [m for m in found if _key(m, None, False) not in catalogue] == found[1:]
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") != "Log out"
