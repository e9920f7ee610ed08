"""The layers of docs/architecture.md, checked on the source: imports only go down.

Every ``.py`` file of the project's own packages is parsed (nothing is
imported); every ``import`` and ``from ... import`` counts, at module level
and inside functions alike. Three rules:

1. An import never goes up a layer, and within the domain layer only where
   records point at another app's records (``DOMAIN_EDGES``).
2. No cycle among the project's packages.
3. No cycle among the modules of one package.

A failure names each offending import as ``file:line``.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Bottom to top. Packages in one layer may import each other only as
# DOMAIN_EDGES / WITHIN_LAYER allow (and never in a circle).
LAYERS = [
    ("ground", ["org", "jobs", "core", "accounts"]),
    ("domain", ["personnel", "training", "integrity", "audit"]),
    ("surfaces", ["dashboard", "reports", "people", "api", "demo", "fixtures"]),
    ("config", ["config"]),
]
# Within the ground layer the packages are ordered too: org (units, grants,
# scoping) at the bottom, then jobs (background jobs, schedules, reminders,
# the inbox), then core (import engine, admin base, indicator engine), then
# accounts.
GROUND_ORDER = ["org", "jobs", "core", "accounts"]
# A ground app's admin and import kinds are registrations: the admin site and
# the import registry find them by autodiscovery and no module imports them.
# They sit on core (the admin base, the import engine) like a domain app's do.
REGISTRATIONS = {"org.admin", "org.resources"}
# Domain -> domain: only where an app's records point at another app's
# (training records, cases, alerts and audits are about officers; a
# rectification item comes from an inspection or an alert), plus one read:
# integrity's alert desk and supervision indicators read the training and
# political-work records of the officers they watch.
DOMAIN_EDGES = {
    ("training", "personnel"),
    ("integrity", "personnel"),
    ("audit", "personnel"),
    ("audit", "integrity"),
    ("integrity", "training"),
}
# Surface -> surface: the demo command loads what the generator makes.
SURFACE_EDGES = {
    ("demo", "fixtures"),
}

LAYER_OF = {package: index for index, (_name, packages) in enumerate(LAYERS) for package in packages}
LAYER_NAME = {package: name for name, packages in LAYERS for package in packages}
SKIP_PARTS = {"migrations", "__pycache__", ".venv", "tests", "bench"}


def project_files():
    for package in LAYER_OF:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            if SKIP_PARTS.isdisjoint(path.relative_to(ROOT).parts):
                yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def collect_modules() -> dict[str, Path]:
    return {module_name(path): path for path in project_files()}


def imports_of(path: Path, module: str, modules: dict[str, Path]):
    """(line, imported module) for every import in the file, at any depth."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                # ``from pkg import module`` imports the module itself
                sub = f"{target}.{alias.name}"
                yield node.lineno, sub if sub in modules else target


def owner(module: str, modules: dict[str, Path]) -> str | None:
    """The project module an import name lands on (the longest existing prefix)."""
    parts = module.split(".")
    while parts:
        name = ".".join(parts)
        if name in modules:
            return name
        parts.pop()
    return None


def node_of(module: str) -> str:
    """The unit of the package graph: the top-level package, its registrations apart."""
    return module if module in REGISTRATIONS else module.split(".")[0]


_EDGES: dict[Path, list] = {}


def edges():
    """(importer, imported, where) for every import of the project's own
    modules under ROOT, parsed once per ROOT for the tests below."""
    if ROOT not in _EDGES:
        _EDGES[ROOT] = _parse_edges()
    return _EDGES[ROOT]


def _parse_edges():
    modules = collect_modules()
    out = []
    for module, path in modules.items():
        for line, imported in imports_of(path, module, modules):
            target = owner(imported, modules)
            if target is None or target == module:
                continue
            out.append((module, target, f"{path.relative_to(ROOT)}:{line}"))
    return out


def allowed(source: str, target: str) -> bool:
    src, dst = source.split(".")[0], target.split(".")[0]
    if src == dst:
        return True
    if source in REGISTRATIONS:
        return LAYER_NAME[dst] == "ground"
    if LAYER_OF[dst] < LAYER_OF[src]:
        return True
    if LAYER_OF[dst] > LAYER_OF[src]:
        return False
    layer = LAYER_NAME[src]
    if layer == "ground":
        return GROUND_ORDER.index(dst) < GROUND_ORDER.index(src)
    if layer == "domain":
        return (src, dst) in DOMAIN_EDGES
    if layer == "surfaces":
        return (src, dst) in SURFACE_EDGES
    return False


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def describe(cycle, all_edges, key):
    members = set(cycle)
    lines = [
        f"  {src} -> {dst}  ({where})"
        for src, dst, where in all_edges
        if key(src) in members and key(dst) in members and key(src) != key(dst)
    ]
    return "cycle among " + ", ".join(cycle) + ":\n" + "\n".join(sorted(set(lines)))


def test_the_layers_exist_as_folders():
    modules = collect_modules()
    for package in ("org", "core", "personnel", "training", "integrity", "audit", "dashboard", "reports", "demo"):
        assert package in modules, f"{package}/ is missing: docs/architecture.md lists it"
    assert (ROOT / "core/__init__.py").read_text() == ""
    assert (ROOT / "org/__init__.py").read_text() == ""


def test_every_project_package_has_a_layer():
    unplaced = sorted(
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").exists() and path.name not in LAYER_OF and path.name not in SKIP_PARTS
    )
    assert not unplaced, f"packages without a layer in tests/test_architecture.py: {unplaced}"


def test_imports_only_go_down():
    wrong = {
        f"{where}: {source} imports {target} ({LAYER_NAME[source.split('.')[0]]} -> {LAYER_NAME[target.split('.')[0]]})"
        for source, target, where in edges()
        if not allowed(source, target)
    }
    assert not wrong, "imports that go up or sideways (docs/architecture.md):\n" + "\n".join(sorted(wrong))


def test_registrations_are_imported_by_no_module():
    wrong = {
        f"{where}: {source} imports {target}"
        for source, target, where in edges()
        if target in REGISTRATIONS and source not in REGISTRATIONS
    }
    assert not wrong, "autodiscovered registration modules imported by hand:\n" + "\n".join(sorted(wrong))


def test_no_cycle_among_the_packages():
    all_edges = edges()
    graph = defaultdict(set)
    for source, target, _where in all_edges:
        if node_of(source) != node_of(target):
            graph[node_of(source)].add(node_of(target))
    cycles = find_cycles(graph)
    assert not cycles, "\n".join(describe(c, all_edges, node_of) for c in cycles)


def test_no_cycle_among_the_modules_of_a_package():
    all_edges = edges()
    graph = defaultdict(set)
    for source, target, _where in all_edges:
        if source.split(".")[0] == target.split(".")[0]:
            graph[source].add(target)
    cycles = find_cycles(graph)
    assert not cycles, "\n".join(describe(c, all_edges, lambda m: m) for c in cycles)


def test_the_checker_sees_a_function_level_upward_import(tmp_path, monkeypatch):
    """The rules catch what they must: an upward import inside a function, and a loop."""
    for package, body in {
        "org": "def f():\n    from dashboard import views\n",
        "core": "",
        "dashboard": "",
        "personnel": "from training import models\n",
        "training": "import personnel\n",
        "integrity": "",
        "audit": "",
        "reports": "",
        "demo": "",
        "fixtures": "",
        "config": "",
        "accounts": "",
    }.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(body)
    (tmp_path / "dashboard" / "views.py").write_text("")
    (tmp_path / "training" / "models.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = {(s, t, w) for s, t, w in edges()}
    assert ("org", "dashboard.views", "org/__init__.py:2") in found
    assert not allowed("org", "dashboard.views")
    assert not allowed("personnel", "training.models")
    assert allowed("training", "personnel")
    graph = defaultdict(set)
    for s, t, _w in found:
        graph[node_of(s)].add(node_of(t))
    assert find_cycles(graph) == [["personnel", "training"]]
