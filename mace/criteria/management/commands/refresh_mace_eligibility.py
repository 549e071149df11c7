"""Work out again which children meet the MACE criteria: `uv run mace refresh_mace_eligibility`.
Idempotent; run it nightly (cron or a systemd timer), since time moves missing episodes out of
the criteria's windows without anyone recording anything."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mace.criteria.services import eligibility_refresh


class Command(BaseCommand):
    help = "Bring the MACE lists up to date with the MACE criteria now."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(eligibility_refresh()))
