"""Run the DfE's SSDA903 validator (`csc-validator-be-903`, package `lac_validator`) on the
Header and Missing tables that `mace export_903_missing` writes, and report every error.

It runs in its own interpreter: the validator needs Python 3.9-3.11 and pandas<2, which the
platform does not use. Set one up once (docs/missing.md), then:

    /path/to/validator-venv/bin/python scripts/validate_903.py DIR --year 2026

DIR holds header.csv and missing.csv. Prints one JSON object: the ruleset used, the rules that
ran, and for every rule that found errors its code, message, tables, the rows and children it
flagged, and whether it is a missing-episode rule (one whose tables include Missing). Exits 1
when a missing-episode rule found an error, 0 otherwise (other rules are reported, not fatal)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import sys
from pathlib import Path


def ruleset_for(year: int) -> str:
    """The validator names rulesets by collection year: lac2025_26 is the year to 31 March 2026."""
    import lac_validator.rules as rules

    wanted = f"lac{year - 1}_{year % 100:02d}"
    available = sorted(p.name for p in Path(list(rules.__path__)[0]).glob("lac*") if p.is_dir())
    if wanted in available:
        return wanted
    return available[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--local-authority", default="E10000012", help="ONS code (Essex)")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO

    from lac_validator.lac_validator import LacValidator

    files = [
        {
            "name": name,
            "description": "This year",
            "file_content": (args.directory / name).read_bytes(),
        }
        for name in ("header.csv", "missing.csv")
    ]
    ruleset = ruleset_for(args.year)
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    # Some rules print as they run; keep standard output for the report.
    with contextlib.redirect_stdout(sys.stderr):
        validator = LacValidator(
            metadata={"collectionYear": str(args.year), "localAuthority": args.local_authority},
            files=files,
            registry=registry,
        )
    errors = []
    for code, rule in registry.items():
        column = f"ERR_{code}"
        flagged = []
        for table, frame in validator.ds_results.items():
            if table == "metadata" or column not in frame.columns:
                continue
            hits = frame[frame[column] == True]  # noqa: E712 (a pandas mask)
            children = hits.get("CHILD", [None] * len(hits))
            for row, child in zip(hits.index.tolist(), children, strict=True):
                flagged.append({"table": table, "row": int(row), "child": child})
        if flagged:
            errors.append(
                {
                    "code": code,
                    "message": rule.message,
                    "tables": sorted(rule.tables or []),
                    "missing_rule": "Missing" in (rule.tables or []),
                    "count": len(flagged),
                    "flagged": flagged[:20],
                }
            )
    missing_errors = [e for e in errors if e["missing_rule"]]
    print(
        json.dumps(
            {
                "ruleset": ruleset,
                "year": args.year,
                "rules_ran": len(validator.dones),
                "rules_skipped": len(validator.skips),
                "rules_failed_to_run": validator.fails,
                "missing_rules_ran": sorted(
                    code
                    for code, rule in registry.items()
                    if "Missing" in (rule.tables or []) and code in validator.dones
                ),
                "missing_rule_errors": len(missing_errors),
                "errors": errors,
            },
            indent=2,
            default=str,
        )
    )
    return 1 if missing_errors else 0


if __name__ == "__main__":
    sys.exit(main())
