"""A page calls its service in one way, mace.core.submit (`bind`, then `submit`): a DomainError
lands on the form and a stale version comes back as the side-by-side. A view that catches a
DomainError or a ConflictError itself (or a kind of them, such as intelligence's
DuplicateRecord) is a page doing submit's work by hand, unless it is on the list below with the
reason it is different. The list names each place; a place that no longer catches is taken off.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mace
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError
from mace.intelligence.services import DuplicateRecord

MACE = Path(mace.__file__).parent

# "module.function": why it handles the service's error itself.
ALLOWED = {
    "mace.accounts.views.recovery_codes_new": (
        "a button on the account page, not a form: the service's error goes back there as a notice"
    ),
    "mace.accounts.views.token_revoke": (
        "a confirm button, not a form: a token already revoked is what they asked for, so a "
        "notice says so"
    ),
    "mace.meetings.views.agenda_draft": (
        "a button on the meeting's page, not a form: the service's error goes back there as a "
        "notice"
    ),
    "mace.meetings.views.agenda_move": (
        "a button on the agenda, not a form: the service's error goes back there as a notice"
    ),
    "mace.core.draft_views.save": (
        "not a page: drafts.js reads the answer's status, so each error is its own plain response"
    ),
    "mace.assessments.views._differences": (
        "no service call: typed answers that do not merge compare as unchanged in the side-by-side"
    ),
}


def view_modules() -> Iterator[tuple[str, Path]]:
    """Every module of pages: each app's views.py and core's draft_views.py."""
    for path in sorted(MACE.rglob("*views.py")):
        parts = path.relative_to(MACE.parent).with_suffix("").parts
        yield ".".join(parts), path


def _resolve(node: ast.expr, namespace: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, namespace)
        return getattr(owner, node.attr, None)
    return None


def _caught(handler: ast.ExceptHandler) -> list[ast.expr]:
    if handler.type is None:
        return []
    return list(handler.type.elts) if isinstance(handler.type, ast.Tuple) else [handler.type]


def service_errors_caught(tree: ast.AST, namespace: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(function, line) of each `except` of a DomainError or ConflictError, subclasses too,
    named as the module names them."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not function:
            function = node.name
        if isinstance(node, ast.ClassDef):
            function = node.name
        if isinstance(node, ast.ExceptHandler):
            for caught in _caught(node):
                error = _resolve(caught, namespace)
                if isinstance(error, type) and issubclass(error, DomainError | ConflictError):
                    found.append((function, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "")
    return found


def hand_written() -> dict[str, list[str]]:
    """Each place in a module of pages that catches a service's error, with its lines."""
    places: dict[str, list[str]] = {}
    for name, path in view_modules():
        namespace = vars(importlib.import_module(name))
        tree = ast.parse(path.read_text(), filename=str(path))
        for function, line in service_errors_caught(tree, namespace):
            places.setdefault(f"{name}.{function}", []).append(f"{path.name}:{line}")
    return places


def test_pages_call_their_services_through_submit() -> None:
    places = hand_written()
    by_hand = {place: lines for place, lines in places.items() if place not in ALLOWED}
    assert by_hand == {}, "use mace.core.submit (bind, submit), or allow it here with a reason"
    assert set(ALLOWED) - set(places) == set(), "no longer catches: take it off ALLOWED"


def test_the_check_sees_every_way_of_naming_the_error() -> None:
    source = (
        "def a():\n"
        "    try: pass\n"
        "    except DomainError: pass\n"
        "def b():\n"
        "    try: pass\n"
        "    except (ValueError, services.DuplicateRecord): pass\n"
        "class C:\n"
        "    def post(self):\n"
        "        try: pass\n"
        "        except Stale: pass\n"
        "def d():\n"
        "    try: pass\n"
        "    except ValueError: pass\n"
        "    except Exception: pass\n"
    )
    namespace = {
        "DomainError": DomainError,
        "Stale": ConflictError,
        "services": SimpleNamespace(DuplicateRecord=DuplicateRecord),
    }
    caught = service_errors_caught(ast.parse(source), namespace)
    assert [function for function, _ in caught] == ["a", "b", "C"]
