"""`mace import_missing FILE --by USERNAME [--check]`: import missing episodes from a police CSV
(the layout is in docs/missing.md), all or nothing, as the named police user. Prints the report:
every rejected row and why. Exits 1 if the file or any row was rejected (nothing was written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.access.choices import AccessChannel
from mace.accounts.management.commands._tokens import find_user
from mace.core.errors import Refused
from mace.missing.imports import import_missing_csv


class Command(BaseCommand):
    help = (
        "Import missing episodes from a police CSV file, all or nothing. Re-importing the same "
        "file changes nothing. Every rejected row is reported with why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="the police practitioner or manager the import is recorded as",
        )
        parser.add_argument(
            "--check", action="store_true", help="check every row and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        actor = find_user(options["by"])
        try:
            report = import_missing_csv(
                actor=actor,
                content=path.read_bytes(),
                filename=path.name,
                channel=AccessChannel.COMMAND,
                path=str(path)[:300],
                dry_run=options["check"],
            )
        except Refused as refusal:
            raise CommandError(str(refusal)) from refusal
        for message in report.file_errors:
            self.stderr.write(f"File: {message}")
        for row in report.rejected:
            for reason in row.reasons:
                self.stderr.write(
                    f"Line {row.line} ({row.police_reference or 'no reference'}): {reason}"
                )
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
