"""Where things live in the assessments app: reads never call writes, the guard rules and their
evaluation are in rules.py, and the names callers took from the services module still come from
it."""

from __future__ import annotations

import ast
from pathlib import Path

import mace.assessments

APP = Path(mace.assessments.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def test_the_rules_import_no_selector():
    # Selectors apply the rules (summary_of), so the rules must not read through selectors.
    assert not {m for m in imported_modules(APP / "rules.py") if m.endswith("selectors")}


def test_the_selectors_import_nothing_from_the_services():
    modules = imported_modules(APP / "selectors.py")
    assert not {m for m in modules if m.startswith("mace.assessments.services")}
    assert "mace.assessments.services" not in modules


def test_the_rules_and_the_content_import_nothing_from_the_services():
    for name in ("rules.py", "content.py"):
        modules = imported_modules(APP / name)
        assert not {m for m in modules if m.startswith("mace.assessments.services")}, name


def test_the_guard_rules_and_their_evaluation_live_in_rules():
    from mace.assessments import rules
    from mace.assessments.services import assessments, instruments

    for name in ("content_evaluate", "content_check", "level_errors", "override_needed"):
        assert callable(getattr(rules, name)), name
        assert getattr(rules, name).__module__ == "mace.assessments.rules", name
    for module in (assessments, instruments):
        defined = {
            node.name
            for node in ast.parse(Path(module.__file__ or "").read_text()).body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)
        }
        assert not defined & {"content_evaluate", "content_check", "_evaluate", "_check"}


def test_the_reads_live_in_selectors():
    from mace.assessments import selectors

    for name in ("content_of", "summary_of", "indicators_from_concerns"):
        assert getattr(selectors, name).__module__ == "mace.assessments.selectors", name


def test_every_name_callers_took_from_the_services_module_still_comes_from_it():
    from mace.assessments import services

    for name in (
        "MAX_PEOPLE",
        "NO_FACTORS",
        "CONTENT_FIELDS",
        "SCALARS",
        "TEXTS",
        "Checked",
        "Content",
        "IndicatorRecorded",
        "PersonInvolved",
        "assessment_complete",
        "assessment_sign_off",
        "assessment_start",
        "assessment_update",
        "content_merge",
        "content_of",
        "instrument_errors",
        "instrument_put_in_force",
        "instrument_revise",
        "review_interval",
        "summary_of",
    ):
        assert name in services.__all__ and hasattr(services, name), name
