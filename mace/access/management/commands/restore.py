"""`uv run mace restore DIR`: put a backup made by `mace backup` into the configured database.
It refuses a database that already has tables unless `--force` (which replaces everything in it),
then compares every table's row count and the audit heads with the backup's manifest and prints
the restored heads. Exits 1 when anything differs.

Then check the restored audit against the anchor: `uv run mace verify_audit --expect
<anchor file>` fails when the backup is older than the last recorded head, which is how a restore
(deliberate or not) shows in the audit's own evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.access.backup import BackupError, differences, read_manifest, restore


class Command(BaseCommand):
    help = "Restore a backup made by `mace backup` into the (empty) database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument("--database", default="default", help="Database alias")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        try:
            manifest = read_manifest(directory)
            restored = restore(directory, alias=options["database"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the {manifest['vendor']} backup made at {manifest.get('at', '?')} "
            f"from {directory}: {len(restored.tables)} tables, "
            f"{sum(restored.tables.values()):,} rows."
        )
        self.stdout.write("Audit heads restored:")
        for head in restored.heads:
            chain = f" chain {head['shard']}" if "shard" in head else ""
            self.stdout.write(
                f"  {head['log']}{chain}: {head['count']:,} rows, head {head['hash']}"
            )
        problems = differences(manifest, restored)
        if problems:
            raise CommandError(
                "The restored database does not match the backup's manifest:\n"
                + "\n".join(problems)
            )
        self.stdout.write(
            self.style.SUCCESS("Every table's row count and the audit heads match the manifest.")
        )
