"""The access policy's shape: a package of one module per question (mace/access/policy/), each
listing its public names in `__all__`, all re-exported by the package, so callers keep writing
`policy.can_view_child(...)` and a data protection officer reads who sees what in one folder."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

from mace.access import policy


def policy_modules() -> list[ModuleType]:
    assert hasattr(policy, "__path__"), "mace.access.policy should be a package, not one file"
    return [
        importlib.import_module(f"{policy.__name__}.{info.name}")
        for info in pkgutil.iter_modules(policy.__path__)
    ]


MODULES = policy_modules() if hasattr(policy, "__path__") else []


def top_level_names(module: ModuleType) -> set[str]:
    """The names a module defines itself (functions, classes, assignments), not imports."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names - {"__all__"}


def test_the_policy_is_a_package_of_several_modules():
    names = {module.__name__.rsplit(".", 1)[1] for module in policy_modules()}
    assert {"roles", "children", "oversight", "intelligence", "meetings"} <= names


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_each_module_says_who_sees_what_and_lists_its_public_names(module):
    assert (module.__doc__ or "").strip(), f"{module.__name__} needs a docstring with its rules"
    assert isinstance(getattr(module, "__all__", None), list | tuple), module.__name__
    public = {name for name in top_level_names(module) if not name.startswith("_")}
    assert set(module.__all__) == public, module.__name__


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_package_re_exports_every_public_name(module):
    for name in module.__all__:
        assert getattr(policy, name, None) is getattr(module, name), f"policy.{name}"


def test_no_two_modules_export_the_same_name():
    owners: dict[str, str] = {}
    for module in policy_modules():
        for name in module.__all__:
            assert name not in owners, f"{name} in both {owners[name]} and {module.__name__}"
            owners[name] = module.__name__
    assert owners


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_no_module_imports_inside_a_function(module):
    """Imports (models included) are at the top, so the dependencies are plain to see."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    deferred = [
        f"{module.__name__}:{node.lineno}"
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert deferred == []
