"""`mace periodic`: run every idempotent sweep the platform needs on a schedule, once: reminders,
deadlines, retention, the MACE lists. Run it hourly from cron or a systemd timer (`make demo`
runs it beside the web server). Each sweep is safe to run again and when another copy is running:
the platform never depends on one having run exactly once.

`--every SECONDS` keeps running it, as the demo does; `--only NAME` runs one sweep."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the periodic sweeps once (or every --every seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat after this many seconds")
        parser.add_argument("--only", choices=settings.MACE_PERIODIC_COMMANDS, action="append")

    def handle(self, *args: Any, **options: Any) -> None:
        names = options["only"] or settings.MACE_PERIODIC_COMMANDS
        if options["every"] < 0:
            raise CommandError("--every must be 0 (once) or more seconds")
        while True:
            failed = []
            for name in names:
                self.stdout.write(f"{name}: ", ending="")
                try:
                    call_command(name, stdout=self.stdout, stderr=self.stderr)
                except Exception as exc:  # one sweep failing must not stop the others
                    failed.append(name)
                    self.stderr.write(f"{name} failed: {exc}")
            if not options["every"]:
                if failed:
                    raise CommandError(f"These sweeps failed: {', '.join(failed)}")
                return
            time.sleep(options["every"])
