"""No test module reads the clock when it is imported.

A date read at import goes stale when the suite runs across midnight: the code under test reads
the clock again and disagrees with the test by a day (the suite failed that way once, at 00:00
UTC). Tests call `tests.clock.today()` or read the clock inside the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
CLOCK_READS = {"now", "localdate", "localtime", "today", "utcnow"}


def import_time_clock_reads(tree: ast.Module) -> list[int]:
    """The lines of calls to the clock evaluated when the module is imported: at module or class
    level, in decorators and in default arguments (function bodies run later)."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for evaluated_now in [*node.decorator_list, *node.args.defaults]:
                visit(evaluated_now)
            for default in node.args.kw_defaults:
                if default is not None:
                    visit(default)
            return
        if isinstance(node, ast.Lambda):
            return
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOCK_READS
        ):
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_the_finder_sees_a_date_fixed_at_import() -> None:
    source = (
        "TODAY = timezone.localdate()\ndef later(on=dt.date.today()):\n    return timezone.now()\n"
    )
    assert import_time_clock_reads(ast.parse(source)) == [1, 2]


def test_no_test_module_reads_the_clock_at_import() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        for line in import_time_clock_reads(ast.parse(path.read_text()))
    ]
    assert offenders == []
