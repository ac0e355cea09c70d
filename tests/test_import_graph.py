"""The import graph of src/claimwatch: no cycles between modules, and packages import only the layers below them.

Every ``import`` counts, also those inside functions (a lazy import still ties the two modules together). The
layers are the ones DEVELOPERS.md and docs/ARCHITECTURE.md draw.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "claimwatch"

# Lowest first; a package may import only from layers below its own. ``(root)`` is claimwatch/__init__.py.
LAYERS = [
    {"(root)", "errors", "schema", "progress"},
    {"resources"},
    {"ingest", "nlp"},
    {"pipeline", "store"},
    {"ingest_flow", "disputes", "corpora", "alerts"},
    {"eval", "training", "batch", "web", "watch"},
    {"bench"},
    {"cli"},
]


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package tree it imports (relative and absolute, at any depth)."""
    modules = {module_name(root, p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: list[str] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(max(node.level - 1, 0)):
                    base = base.rpartition(".")[0]
                source = (f"{base}.{node.module}" if node.module else base) if node.level else str(node.module)
                # ``from pkg import sub`` imports the submodule when there is one, else a name from pkg itself.
                targets += [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
        deps = set()
        for target in targets:
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]
            if target in modules and target != name:
                deps.add(target)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def top_package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def layer_violations(graph: dict[str, set[str]], layers: Iterable[set[str]]) -> list[str]:
    rank = {pkg: i for i, layer in enumerate(layers) for pkg in layer}
    bad = []
    for module, deps in sorted(graph.items()):
        for dep in sorted(deps):
            a, b = top_package(module), top_package(dep)
            if a != b and not rank[b] < rank[a]:
                bad.append(f"{module} -> {dep}")
    return bad


def write_package(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / "pkg" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_no_import_cycle_between_modules() -> None:
    graph = import_graph(SRC)
    assert len(graph) > 100 and "claimwatch.ingest_flow" in graph
    assert cycles(graph) == []


def test_packages_import_only_lower_layers() -> None:
    graph = import_graph(SRC)
    packages = {top_package(m) for m in graph}
    assert packages == set().union(*LAYERS), "a package is missing from LAYERS (and from DEVELOPERS.md)"
    assert layer_violations(graph, LAYERS) == []


def test_a_lazy_relative_import_cycle_is_found(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {
        "__init__.py": "",
        "a.py": "from .sub import b\n",
        "sub/__init__.py": "",
        "sub/b.py": "def f():\n    from ..c import g\n",
        "c.py": "import pkg.a\nfrom . import d\n",
        "d.py": "X = 1\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.a"] == {"pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.a", "pkg.d"}
    assert cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]


@pytest.mark.parametrize("lower_imports_upper", [False, True])
def test_an_upward_import_is_a_layer_violation(tmp_path: Path, lower_imports_upper: bool) -> None:
    pkg = write_package(tmp_path, {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/x.py": "from ..high import y\n" if lower_imports_upper else "",
        "high/__init__.py": "",
        "high/y.py": "from ..low import x\n",
    })
    found = layer_violations(import_graph(pkg), [{"(root)", "low"}, {"high"}])
    assert found == (["pkg.low.x -> pkg.high.y"] if lower_imports_upper else [])
