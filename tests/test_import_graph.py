"""The import graph: no circle between apps. The only imports allowed to run back are the
`visible_to` managers' deferred imports in models.py files (a model's manager asks the access
policy, which imports the models). Type-only imports (`if TYPE_CHECKING:`) are not imports at
run time and are not counted. Read from the source (ast), so nothing is imported to check it."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

MACE = Path(__file__).resolve().parents[1] / "mace"


def _module_name(path: Path) -> str:
    parts = path.relative_to(MACE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
        # The visible_to managers' deferred imports: functions inside models.py files.
        if path.name == "models.py" and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            skipped.update(id(n) for n in ast.walk(node) if isinstance(n, ast.ImportFrom))
    found: set[str] = set()
    package = _module_name(path)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                if path.name != "__init__.py":
                    anchor = anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            # The deepest known module the name is, or is in.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name.startswith("mace."):
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    files = {
        _module_name(p): p
        for p in MACE.rglob("*.py")
        if "migrations" not in p.parts and "static" not in p.parts
    }
    known = set(files)
    return {name: _imports(path, known) - {name} for name, path in files.items()}


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else module


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
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
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_circle_between_apps():
    between_apps = [c for c in _cycles(_graph()) if len({_app(m) for m in c}) > 1]
    assert between_apps == [], between_apps


def test_the_check_sees_a_circle_when_there_is_one():
    graph = defaultdict(set, {"mace.a.x": {"mace.b.y"}, "mace.b.y": {"mace.a.x"}})
    assert _cycles(graph) == [["mace.a.x", "mace.b.y"]]
