"""Backups of the whole database, with a manifest to check a restore against:
`uv run mace backup DIR` and `uv run mace restore DIR`.

SQLite is copied with its online backup API (a consistent copy while the platform runs);
PostgreSQL with `pg_dump` in its custom format, inside a snapshot the manifest's counts are
taken from too, so the counts and heads describe exactly what was dumped. The manifest
(`manifest.json`) records when, which database, every table's row count and the audit heads;
a restore is compared with it table by table.

This lives beside the audit because the audit heads are what a restore must be checked against:
`verify_audit --expect` with the anchor file shows a restore older than the last recorded head."""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
HEAD_TABLE = "access_auditchain"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass
class Snapshot:
    """What a database held: every table's row count and the audit heads."""

    tables: dict[str, int]
    heads: list[dict[str, Any]]


def _quote(connection: Any, name: str) -> str:
    return str(connection.ops.quote_name(name))


def _snapshot(cursor: Any, tables: list[str], quote: Any) -> Snapshot:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - introspected names
        counts[table] = cursor.fetchone()[0]
    heads = []
    if HEAD_TABLE in tables:
        # A head per chain of each log since access 0009 (one per log in older backups).
        cursor.execute(f"SELECT * FROM {HEAD_TABLE} WHERE 1 = 0")  # noqa: S608
        if "shard" in {column[0] for column in cursor.description}:
            cursor.execute(
                f"SELECT log, shard, length, last_hash FROM {HEAD_TABLE} "  # noqa: S608
                "WHERE length > 0 ORDER BY log, shard"
            )
            heads = [
                {"log": log, "shard": shard, "count": n, "hash": h}
                for log, shard, n, h in cursor.fetchall()
            ]
        else:
            cursor.execute(f"SELECT log, length, last_hash FROM {HEAD_TABLE} ORDER BY log")  # noqa: S608
            heads = [{"log": log, "count": n, "hash": h} for log, n, h in cursor.fetchall()]
    return Snapshot(counts, heads)


def database_snapshot(alias: str = "default") -> Snapshot:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = [
            name
            for name in connection.introspection.table_names(cursor)
            if not name.startswith("sqlite_")
        ]
        return _snapshot(cursor, tables, lambda name: _quote(connection, name))


def _sqlite_snapshot(path: Path) -> Snapshot:
    copy = sqlite3.connect(path)
    try:
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        return _snapshot(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
    finally:
        copy.close()


def _write_manifest(directory: Path, *, vendor: str, file: str, snapshot: Snapshot) -> dict:
    manifest = {
        "format": 1,
        "at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "vendor": vendor,
        "file": file,
        "tables": snapshot.tables,
        "heads": snapshot.heads,
    }
    path = directory / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _prepare(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new, empty directory.")


# --- PostgreSQL's client programs ---------------------------------------------------------------


def pg_program(name: str) -> str:
    """`pg_dump` or `pg_restore`: the newest of Debian's versioned installs (a dump needs a
    client at least as new as the server), else the one on PATH."""

    def version(path: str) -> int:
        try:
            return int(Path(path).parent.parent.name)
        except ValueError:
            return 0

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    program = found[0] if found else shutil.which(name)
    if not program:
        raise BackupError(f"{name} was not found: install PostgreSQL's client programs.")
    return program


def _pg_args(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [f"--dbname={settings['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args.append(f"{flag}={settings[key]}")
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


# --- backup ---------------------------------------------------------------------------------


def backup(directory: Path, *, alias: str = "default") -> dict:
    """Copy the database into `directory` (new or empty) and write the manifest."""
    _prepare(directory)
    connection = connections[alias]
    if connection.in_atomic_block:
        # SQLite would wait forever on the transaction's own lock; PostgreSQL's snapshot must be
        # the first thing its transaction does.
        raise BackupError("Back up outside a transaction.")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = directory / SQLITE_FILE
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return _write_manifest(
            directory, vendor="sqlite", file=SQLITE_FILE, snapshot=_sqlite_snapshot(target)
        )
    if connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            # One snapshot for the dump and the counts: they describe the same moment however
            # busy the platform is.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            _run(
                [
                    pg_program("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={directory / POSTGRES_FILE}",
                    *args,
                ],
                env,
            )
            tables = connection.introspection.table_names(cursor)
            snapshot = _snapshot(cursor, tables, lambda name: _quote(connection, name))
        return _write_manifest(
            directory, vendor="postgresql", file=POSTGRES_FILE, snapshot=snapshot
        )
    raise BackupError(f"Backing up a {connection.vendor} database is not supported.")


# --- restore --------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{directory} has no {MANIFEST}: it is not a MACE backup.") from exc
    except ValueError as exc:
        raise BackupError(f"{directory / MANIFEST} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or not {"vendor", "file", "tables", "heads"} <= set(manifest):
        raise BackupError(f"{directory / MANIFEST} is not a MACE backup manifest.")
    if not (directory / manifest["file"]).is_file():
        raise BackupError(f"{directory / manifest['file']} is missing from the backup.")
    return manifest


def restore(directory: Path, *, alias: str = "default", force: bool = False) -> Snapshot:
    """Put the backup in `directory` into the database, which must be empty unless `force`;
    return what the database holds afterwards."""
    manifest = read_manifest(directory)
    connection = connections[alias]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This is a {manifest['vendor']} backup; the database is {connection.vendor}."
        )
    existing = connection.introspection.table_names()
    if existing and not force:
        raise BackupError(
            f"The database is not empty ({len(existing)} tables). A restore replaces everything "
            "in it: restore into a new, empty database, or pass --force to replace this one."
        )
    source = directory / manifest["file"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        backup_copy = sqlite3.connect(source)
        try:
            # Page by page over the whole database: whatever was there is replaced.
            backup_copy.backup(connection.connection)
        finally:
            backup_copy.close()
    else:
        connection.close()
        args, env = _pg_args(connection.settings_dict)
        clean = ["--clean", "--if-exists"] if existing else []
        _run(
            [
                pg_program("pg_restore"),
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                *clean,
                *args,
                str(source),
            ],
            env,
        )
    return database_snapshot(alias)


def differences(manifest: dict, restored: Snapshot) -> list[str]:
    """Where the restored database differs from the manifest."""
    found = []
    for table, count in sorted(manifest["tables"].items()):
        got = restored.tables.get(table)
        if got != count:
            found.append(f"{table}: {count:,} rows in the backup, {got} restored")
    for table in sorted(set(restored.tables) - set(manifest["tables"])):
        found.append(f"{table}: not in the backup")
    if restored.heads != manifest["heads"]:
        found.append("the audit heads differ from the backup's")
    return found
