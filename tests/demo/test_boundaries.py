"""The demo is its own app and a client like any other: no other module imports demo code, the
demo uses only the public names of the other apps, and its orchestrator (mace.demo.seed) is the
only module that imports the domain modules, which import only the shared pieces."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MACE = ROOT / "mace"
DEMO = MACE / "demo"
# What the demo's domain modules may import from the demo app.
SHARED = {"mace.demo.plan", "mace.demo.words", "mace.demo.accounts"}
# seed.py calls the domain modules; ahead.py runs their planners in a second process.
ORCHESTRATORS = {"mace.demo.seed", "mace.demo.ahead"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) for each import in the file, relative imports resolved; `names` are
    the names imported from the module (empty for a plain `import`)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module, [alias.name for alias in node.names]


def _is_demo(module: str) -> bool:
    """mace.demo and its modules, and any old `mace.<app>.demo`."""
    parts = module.split(".")
    return parts[0] == "mace" and "demo" in parts[1:]


def _app(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _python_files(under: Path) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_outside_the_demo_app_imports_demo_code():
    found = []
    for path in _python_files(MACE):
        if DEMO in path.parents:
            continue
        for line, module, names in _imports(path):
            targets = [module] + [f"{module}.{name}" for name in names]
            if any(_is_demo(target) for target in targets):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module} {names}")
    assert found == []


def test_the_demo_uses_only_public_names_of_other_apps():
    found = []
    for path in _python_files(DEMO):
        tree = ast.parse(path.read_text(), str(path))
        modules_of_other_apps = set()
        for line, module, names in _imports(path):
            if not module.startswith("mace.") or _app(module) == "mace.demo":
                continue
            private = [n for n in [*module.split("."), *names] if n.startswith("_")]
            private = [n for n in private if n != "__future__"]
            if private:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {private} from {module}")
            modules_of_other_apps.update(names or [module.split(".")[-1]])
        # `services._helper` on a module of another app is a private name too.
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules_of_other_apps
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} uses {node.value.id}.{node.attr}"
                )
    assert found == []


def test_only_the_orchestrator_imports_the_domain_modules():
    found = []
    for path in _python_files(DEMO):
        name = _module_name(path)
        if name in ORCHESTRATORS or ".management." in name:
            continue
        for line, module, names in _imports(path):
            if module == "mace.demo":
                targets = [f"mace.demo.{n}" for n in names]
            elif module.startswith("mace.demo."):
                targets = [module]
            else:
                continue
            if not set(targets) <= SHARED:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module} {names}")
    assert found == []
