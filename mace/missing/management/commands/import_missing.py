"""`mace import_missing FILE --by USERNAME [--check]`: import missing episodes from a police CSV
(the layout is in docs/missing.md) as the named police user. The file is read as a stream, of
any size; every row is checked before anything is written. Prints the report: every rejected row
and why. Exits 1 if the file or any row was rejected (nothing was written), or if the write
stopped part way (importing the file again finishes it)."""

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
        "Import missing episodes from a police CSV file: nothing is written if any row is "
        "rejected, and every rejected row is reported with why. Re-importing the same file "
        "changes nothing (and finishes an import that stopped part way)."
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
            with path.open("rb") as file:
                report = import_missing_csv(
                    actor=actor,
                    file=file,
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
