"""Core is the base every app builds on: it imports none of them. Apps register with core (draft
rules, conflict normalisers, receivers of its signals) and the project package composes them (the
API in mace/api.py, the URLs in mace/urls.py, the home page in mace/dashboard). An import only
for type checking (under `if TYPE_CHECKING:`) is no dependency at run time."""

from __future__ import annotations

import ast
from pathlib import Path

import mace

MACE = Path(mace.__file__).parent
CORE = MACE / "core"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module imported outside `if TYPE_CHECKING:` blocks, deferred imports included."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: beyond core if it climbs out of mace.core
                found.append((node.lineno, "." * node.level + (node.module or "")))
            else:
                found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _outward(module: str, path: Path) -> bool:
    if module.startswith("."):
        depth = len(module) - len(module.lstrip("."))
        package_depth = len(path.relative_to(MACE).parts) - 1  # mace/core/x.py: 1 (core)
        return depth > package_depth
    return (module == "mace" or module.startswith("mace.")) and not (
        module == "mace.core" or module.startswith("mace.core.")
    )


def outward_imports(root: Path = CORE) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, module in _runtime_imports(tree):
            if _outward(module, path):
                problems.append(f"{path.relative_to(MACE.parent)}:{line} imports {module}")
    return problems


def test_core_imports_no_app_at_run_time() -> None:
    assert outward_imports() == []


def test_the_check_sees_deferred_and_relative_imports_but_not_type_only_ones(tmp_path) -> None:
    core = tmp_path / "mace" / "core"
    core.mkdir(parents=True)
    (core / "x.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from mace.core.errors import DomainError\n"
        "if TYPE_CHECKING:\n"
        "    from mace.accounts.models import User\n"
        "def f():\n"
        "    from mace.access import policy\n"
        "from ..people import models\n"
        "import mace.reference.models\n"
    )
    tree = ast.parse((core / "x.py").read_text())
    modules = [m for _, m in _runtime_imports(tree)]
    assert "mace.accounts.models.User" not in modules
    assert "mace.access.policy" in modules
    assert "mace.reference.models" in modules
    assert "..people" in modules
    assert not _outward("mace.core.errors.DomainError", CORE / "x.py")
    assert _outward("..people", CORE / "x.py")
    assert not _outward(".errors", CORE / "x.py")
