"""Check the audit logs' hash chains: `uv run mace verify_audit`. Exits 0 when every chain holds,
1 naming the first broken link of each log that does not. Run it on a schedule and keep the
printed heads somewhere the database's administrators cannot write."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.access.chain import verify
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

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = options["log"]
        broken = []
        for model in CHAINED_LOGS:
            if chosen and model.log_name() not in chosen:
                continue
            result = verify(model)
            if result.broken is None:
                self.stdout.write(
                    f"{result.log}: {result.rows:,} rows, chain intact; head {result.head or '-'}"
                )
            else:
                broken.append(str(result.broken))
                self.stdout.write(f"{result.log}: BROKEN after {result.rows - 1:,} good rows")
        if broken:
            raise CommandError("The audit has been tampered with:\n" + "\n".join(broken))
        self.stdout.write(self.style.SUCCESS("Every audit log's chain is intact."))
