"""The package keeps the shape a newcomer can read: no import cycles, no oversized modules.

These guard the layout the README's "Where things are" describes: every module of
``goldmap/`` is parsed (imports inside functions included) and the import graph among
goldmap's own modules must have no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "goldmap"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imported(node: ast.AST, package: str, modules: dict[str, Path]) -> list[str]:
    """Return the goldmap modules one import statement loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in modules]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parent, base] if base else parent)
    submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
    # `from goldmap import crs` loads goldmap.crs; `from goldmap.x import y` loads goldmap.x.
    return submodules or ([base] if base in modules else [])


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            graph[name].update(t for t in _imported(node, package, modules) if t != name)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """Return one import cycle as a path of module names, or [] when there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[name] = 2
        return []

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return []


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_import_graph_sees_imports_inside_functions():
    graph = import_graph()
    # goldmap.cli imports goldmap.corrections only inside its commands.
    assert "goldmap.corrections" in graph["goldmap.cli"]
    assert "goldmap.catalog" in graph["goldmap.corrections._checks"]


def test_no_import_cycle_among_goldmap_modules():
    cycle = find_cycle(import_graph())
    assert cycle == [], "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("name", sorted(_modules()))
def test_module_is_at_most_600_lines(name):
    lines = _modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines; split it by responsibility"


def _body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = function.body
    first = body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    if docstring and len(body) > 1:
        first = body[1]
    assert body[-1].end_lineno is not None
    return body[-1].end_lineno - first.lineno + 1


def test_no_function_is_over_60_lines_docstring_aside():
    long = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and (size := _body_lines(node)) > MAX_FUNCTION_LINES:
                long.append(f"{name}.{node.name}: {size} lines")
    assert long == []


def test_only_the_session_module_touches_streamlit_session_state():
    """The app's session is one typed object (goldmap.app.state.Session): views take values."""
    touching = []
    for path in [*PACKAGE.rglob("*.py"), PACKAGE.parent / "app.py"]:
        if path == PACKAGE / "app" / "state.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "session_state":
                touching.append(f"{path.name}:{node.lineno}")
    assert touching == []
