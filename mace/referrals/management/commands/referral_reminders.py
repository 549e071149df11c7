"""Tell each receiving service's managers about its overdue referrals: `uv run mace
referral_reminders`. Idempotent (each referral is counted once a day); run it daily, or hourly
with `mace periodic`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mace.referrals.services import overdue_reminders


class Command(BaseCommand):
    help = "Tell the receiving services' managers about referrals past their response date."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Overdue referrals reminded of today: {overdue_reminders()}")
