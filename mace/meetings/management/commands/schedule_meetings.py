"""`uv run mace schedule_meetings [--months N]`: put every quadrant's MACE meetings for the
coming months in the diary, by its cadence (part 1 monthly and part 2 every other month unless
an administrator changed it). Idempotent: a month that has its meeting of a part keeps it, so
`mace periodic` runs it with the other sweeps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.meetings.services import meetings_schedule_ahead


class Command(BaseCommand):
    help = "Schedule the MACE meetings of the coming months (default 3) by each quadrant's cadence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months", type=int, default=3, help="how many months ahead, this one included"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = options["months"]
        if not 1 <= months <= 24:
            raise CommandError("--months must be between 1 and 24")
        made = meetings_schedule_ahead(months=months)
        self.stdout.write(f"Scheduled {made} MACE meeting(s) for the next {months} month(s)")
