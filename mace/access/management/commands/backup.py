"""`uv run mace backup DIR`: copy the whole database into DIR (new or empty) with a manifest of
when, which database, every table's row count and the audit heads. SQLite through its online
backup API, PostgreSQL through `pg_dump --format=custom`; both while the platform runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.access.backup import MANIFEST, BackupError, backup


class Command(BaseCommand):
    help = "Back up the database into DIR, with a manifest to check a restore against."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument("--database", default="default", help="Database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        try:
            manifest = backup(directory, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows:,} rows) of the "
            f"{manifest['vendor']} database into {directory / manifest['file']}; "
            f"manifest in {directory / MANIFEST}."
        )
        for head in manifest["heads"]:
            chain = f" chain {head['shard']}" if "shard" in head else ""
            self.stdout.write(
                f"  {head['log']}{chain}: {head['count']:,} rows, head {head['hash']}"
            )
