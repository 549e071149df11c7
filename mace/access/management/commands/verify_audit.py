"""Check the audit logs' hash chains: `uv run mace verify_audit`. Exits 0 when every chain holds,
1 naming the first broken link of each chain that does not. It prints each log's head (log, rows,
one hash over its chains' heads).

Each chain is checked from where the last clean check ended (its checkpoint: that row must still
be there with the same hash and content), and the check records new checkpoints when all holds.
`--full` checks every row from the first (run it regularly: only it re-reads the rows before the
checkpoints). The chains are read side by side by `--jobs` processes (the machine's cores by
default; PostgreSQL only).

`--print-head` prints only the heads, as one line of JSON (`{"at": ..., "heads": [{"log": ...,
"count": ..., "hash": ...}]}`), after checking the chains: append it to a file the database's
administrators cannot write (`anchor_audit` does this hourly). `--expect FILE` holds every log to
the heads on the last line of such a file: a log with fewer rows than saved, a row at a saved
position that no longer has the saved hash, or a saved log that is gone fails the check (a log
deleted with its head, a tail cut off and the head rewritten, an older backup restored)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.access.anchor import AnchorError, check, head_line, read_saved
from mace.access.models import CHAINED_LOGS


class Command(BaseCommand):
    help = "Check that the audit logs (access, security, change, export) are intact."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--log",
            choices=sorted(model.log_name() for model in CHAINED_LOGS),
            action="append",
            help="Check only this log (repeatable). All of them by default.",
        )
        parser.add_argument(
            "--print-head",
            action="store_true",
            help="Print only the heads, as one line of JSON, once the chains are checked.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Check every row from the first, not from where the last clean check ended.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes reading the chains side by side (PostgreSQL). Default: the cores.",
        )
        parser.add_argument(
            "--expect",
            type=Path,
            metavar="FILE",
            help="Hold each log to the heads on the last line of FILE (a saved --print-head "
            "line or the anchor file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        saved = None
        if options["expect"] is not None:
            try:
                saved = read_saved(options["expect"])
            except AnchorError as exc:
                raise CommandError(str(exc)) from exc
            if saved is None:
                raise CommandError(f"{options['expect']} has no saved heads to check against.")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        results, breaks = check(
            saved, logs=options["log"], full=options["full"], jobs=options["jobs"]
        )
        if options["print_head"]:
            if breaks:
                raise CommandError(
                    "The audit has been tampered with; no head printed:\n"
                    + "\n".join(map(str, breaks))
                )
            self.stdout.write(head_line(result.current for result in results))
            return
        for result in results:
            chains = len(result.current.chains)
            with_rows = f"{chains} chain{'' if chains == 1 else 's'} with rows"
            since = "since the last clean check" if result.resumed else "from the first row"
            if result.broken is None:
                self.stdout.write(
                    f"{result.log}: {result.rows:,} rows, chain intact ({with_rows}; "
                    f"{result.checked:,} read {since}); head {result.head or '-'}"
                )
            else:
                broken = len(result.breaks)
                self.stdout.write(f"{result.log}: BROKEN ({broken} of its chains)")
        if breaks:
            raise CommandError("The audit has been tampered with:\n" + "\n".join(map(str, breaks)))
        if saved is not None:
            self.stdout.write(f"Every log still holds {saved.describe()}.")
        self.stdout.write(self.style.SUCCESS("Every audit log's chain is intact."))
