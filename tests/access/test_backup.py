"""`mace backup DIR` and `mace restore DIR`: a restore into an empty database holds every table's
rows and the audit heads the manifest recorded, and `verify_audit --expect` with the anchor file
shows a restore older than the last recorded head. Runs on the suite's database (SQLite by
default, PostgreSQL when DATABASE_URL names it), restoring into a second, empty database made
for the test; the restore runs as an operator runs it, as its own process."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mace.access.audit import export_record
from mace.access.backup import database_snapshot
from mace.access.choices import AccessChannel
from mace.access.models import AuditChain
from mace.access.services import child_read
from tests.e2e.conftest import reference_data  # noqa: F401 - a transactional test's flush takes it

ROOT = Path(__file__).resolve().parents[2]


def _mace(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`mace ...` against another database, as its own process."""
    environment = {**os.environ, "DATABASE_URL": database_url, **env}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mace", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _heads() -> list[dict[str, Any]]:
    """The head of every chain that has rows."""
    return [
        {"log": h.log, "shard": h.shard, "count": h.length, "hash": h.last_hash}
        for h in AuditChain.objects.filter(length__gt=0).order_by("log", "shard")
    ]


Open = Callable[[], Any]


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[tuple[str, Open]]:
    """A second database with nothing in it: its URL, and a way to open it directly."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    url = f"postgres://{user}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"
    try:
        yield url, lambda: psycopg.connect(url.replace("postgres://", "postgresql://", 1))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _what_it_holds(open_database: Open) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Every table's row count and the audit heads, read straight from the database."""
    conn = open_database()
    try:
        cursor = conn.cursor()
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        else:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        tables = sorted(name for (name,) in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT log, shard, length, last_hash FROM access_auditchain WHERE length > 0 "
            "ORDER BY log, shard"
        )
        heads = [
            {"log": log, "shard": shard, "count": n, "hash": h}
            for log, shard, n, h in cursor.fetchall()
        ]
        return counts, heads
    finally:
        conn.close()


def _audited_reads(user: Any, child: Any, times: int) -> None:
    for _ in range(times):
        child_read(user=user, child_id=child.pk, channel=AccessChannel.PAGE, path="/x")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_a_backup_restores_into_an_empty_database_with_every_row_and_head(
    alice, child, tmp_path, empty_database
):
    _audited_reads(alice, child, 3)
    export_record(user=alice, what="Fictional", reason="A test", format="csv", row_count=1)
    out = StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert "Backed up" in out.getvalue()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    # The manifest says what the database held.
    source = database_snapshot()
    assert manifest["vendor"] == connection.vendor and manifest["at"]
    assert manifest["tables"] == source.tables
    assert manifest["tables"]["people_child"] >= 1
    assert manifest["tables"]["access_accessevent"] == 3
    assert manifest["heads"] == _heads() == source.heads

    url, open_restored = empty_database
    done = _mace(url, "restore", str(tmp_path / "backup"))
    assert done.returncode == 0, done.stderr
    assert "Every table's row count and the audit heads match the manifest." in done.stdout
    access = next(h for h in manifest["heads"] if h["log"] == "access.accessevent")
    assert (
        f"access.accessevent chain {access['shard']}: 3 rows, head {access['hash']}" in done.stdout
    )

    counts, heads = _what_it_holds(open_restored)
    assert counts == manifest["tables"]
    assert heads == manifest["heads"]
    # And the restored audit's chains hold.
    verified = _mace(url, "verify_audit")
    assert verified.returncode == 0, verified.stderr

    # A second restore into what is now not empty is refused, unless told.
    again = _mace(url, "restore", str(tmp_path / "backup"))
    assert again.returncode == 1 and "The database is not empty" in again.stderr
    forced = _mace(url, "restore", "--force", str(tmp_path / "backup"))
    assert forced.returncode == 0, forced.stderr
    assert _what_it_holds(open_restored) == (manifest["tables"], manifest["heads"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_verify_audit_flags_a_restore_older_than_the_last_recorded_head(
    alice, child, tmp_path, empty_database, settings
):
    _audited_reads(alice, child, 2)
    call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    _audited_reads(alice, child, 3)  # written after the backup...
    call_command("anchor_audit", stdout=StringIO())  # ...and anchored
    anchor = Path(settings.MACE_AUDIT_ANCHOR_FILE)
    recorded = anchor.read_text()

    url, _ = empty_database
    assert _mace(url, "restore", str(tmp_path / "backup")).returncode == 0
    # The restored chains hold on their own: only the anchor shows what was lost.
    assert _mace(url, "verify_audit").returncode == 0
    checked = _mace(url, "verify_audit", "--expect", str(anchor))
    assert checked.returncode == 1
    assert (
        "its head: it has 2 rows, fewer than the 5 of the saved head" in checked.stderr
        and "access.accessevent log, chain" in checked.stderr
    )
    # The hourly sweep on the restored database finds it too and appends nothing.
    swept = _mace(url, "anchor_audit", MACE_AUDIT_ANCHOR_FILE=str(anchor))
    assert swept.returncode == 1 and "fewer than the 5 of the saved head" in swept.stderr
    assert anchor.read_text() == recorded


def test_restore_refuses_a_database_that_is_not_empty(db, tmp_path):
    # The refusal comes before the copy is read: a manifest naming an empty file will do.
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "database").write_bytes(b"")
    (tmp_path / "backup" / "manifest.json").write_text(
        json.dumps({"vendor": connection.vendor, "file": "database", "tables": {}, "heads": []})
    )
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(tmp_path / "backup"), stdout=StringIO())


def test_backup_and_restore_refuse_the_wrong_directory(db, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    with pytest.raises(CommandError, match="is not empty: back up into a new, empty directory"):
        call_command("backup", str(tmp_path / "used"), stdout=StringIO())
    with pytest.raises(CommandError, match="has no manifest.json: it is not a MACE backup"):
        call_command("restore", str(tmp_path / "used"), stdout=StringIO())
