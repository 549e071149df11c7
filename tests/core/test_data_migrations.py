"""Every data migration that loads rows is restored before each browser test (a live-server
test's flush empties every table): a new one that is not in tests/e2e/conftest.DATA_MIGRATIONS
would leave the browser tests that run after a flush without its data."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import DATA_MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]
# Migrations whose RunPython changes existing rows (or the schema: triggers) rather than loading
# any rows.
NOT_LOADERS = {
    "mace.access.migrations.0005_audit_chain_heads",
    "mace.access.migrations.0008_audit_anchor_and_append_only",
    "mace.core.migrations.0005_notification_email_delivery",
    "mace.people.migrations.0004_search_name_and_identifier_value",
    "mace.missing.migrations.0003_interview_owed",
    "mace.assessments.migrations.0003_latest_assessment",
}


def test_every_data_migration_that_loads_rows_is_restored_before_browser_tests():
    found = set()
    for path in (ROOT / "mace").glob("*/migrations/0*.py"):
        match = re.search(r"RunPython\(\s*(\w+)", path.read_text())
        if match:
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.add((module, match.group(1)))
    restored = set(DATA_MIGRATIONS)
    missing = {m for m in found if m[0] not in NOT_LOADERS} - restored
    assert not missing, f"Add these to DATA_MIGRATIONS: {sorted(missing)}"
    assert restored <= found, "DATA_MIGRATIONS names a loader that no longer exists"
