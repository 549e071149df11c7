"""`mace export_903_missing --year 2026 --out DIR --by USERNAME --reason "..."`: write the SSDA903
Header and Missing tables (header.csv, missing.csv) for the collection year ending 31 March
YEAR, for the looked-after children the named manager's agency works with. The export is
recorded (who, why, how many rows, which children)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.access.choices import AccessChannel
from mace.accounts.management.commands._tokens import find_user
from mace.core.errors import DomainError, Refused
from mace.missing.returns import export_903, year_label


class Command(BaseCommand):
    help = (
        "Write the SSDA903 Header and Missing tables (header.csv, missing.csv) for a "
        "collection year. The year is the one ending on 31 March: 2026 is 1 April 2025 to "
        "31 March 2026."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2026")
        parser.add_argument("--out", type=Path, required=True, metavar="DIR")
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="the children's social care manager the export is recorded as",
        )
        parser.add_argument(
            "--reason", required=True, help="why the data is leaving the platform (kept)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = find_user(options["by"])
        try:
            result = export_903(
                user=actor,
                year=options["year"],
                reason=options["reason"],
                channel=AccessChannel.COMMAND,
            )
        except Refused as refusal:
            raise CommandError(str(refusal)) from refusal
        except DomainError as error:
            raise CommandError(
                "; ".join(m for messages in error.errors.values() for m in messages)
            ) from error
        paths = result.write(options["out"])
        self.stdout.write(
            f"SSDA903 {year_label(result.year)}: {len(result.header)} children in the Header, "
            f"{len(result.missing)} episodes in Missing. Wrote "
            + " and ".join(str(p) for p in paths)
            + "."
        )
