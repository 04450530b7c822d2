"""Imports only go downward: no import cycle among the course's modules (``patterns/``, ``exercises/``).

Every import counts, wherever it stands: at the top, under ``if TYPE_CHECKING:``, inside a function
(a lazy import still ties the two layers together). ``from package import name`` depends on the
module ``package.name`` when there is one, else on the package itself (its ``__init__``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_PACKAGES = ("patterns", "exercises")

pytestmark = pytest.mark.unit


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for top in TOP_PACKAGES
        for path in sorted((ROOT / top).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The deepest known module ``target`` names (``a.b.c`` -> ``a.b`` when ``c`` is a name in it)."""
    parts = target.split(".")
    while parts:
        name = ".".join(parts)
        if name in known:
            return name
        parts.pop()
    return None


def import_graph(known: dict[str, Path] | None = None) -> dict[str, set[str]]:
    """Each course module and the course modules it imports (any import statement in its file)."""
    known = known if known is not None else _modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
            for target in targets:
                resolved = _resolve(target, known)
                if resolved is not None and resolved != module:
                    edges.add(resolved)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_finder_sees_lazy_and_type_checking_imports(tmp_path):
    package = tmp_path / "patterns" / "demo"
    package.mkdir(parents=True)
    (tmp_path / "patterns" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from patterns.demo.high import High\n"
    )
    (package / "high.py").write_text("from . import low\n")
    (package / "view.py").write_text("def show():\n    from patterns.demo import model\n")
    (package / "model.py").write_text("from .view import show\n")
    (package / "alone.py").write_text("import patterns.demo.low\n")
    known = {_module_name_in(path, tmp_path): path for path in sorted(tmp_path.rglob("*.py"))}
    assert cycles(import_graph(known)) == [
        ["patterns.demo.high", "patterns.demo.low"],
        ["patterns.demo.model", "patterns.demo.view"],
    ]


def _module_name_in(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_cycles_in_patterns_and_exercises():
    found = cycles(import_graph())
    assert not found, "import cycles (each layer may import only what lies below it):\n" + "\n".join(
        " <-> ".join(component) for component in found
    )


def test_the_grader_layers_import_only_downward():
    """model at the bottom; support, engine and reports on it; the command line on top of them all."""
    graph = import_graph()
    grader = {name: deps for name, deps in graph.items() if name.startswith("exercises.grader.")}
    assert {d for d in grader["exercises.grader.model"] if d.startswith("exercises.")} == set()
    assert grader["exercises.grader.reports"] & {"exercises.grader.engine", "exercises.grader.cli"} == set()
    assert "exercises.grader.cli" not in grader["exercises.grader.engine"]
