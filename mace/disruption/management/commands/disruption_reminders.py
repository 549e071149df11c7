"""Remind lead agencies of disruption expiry and review dates: `uv run mace disruption_reminders`.
Idempotent (each date is reminded of once); run it daily, or hourly with `mace periodic`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mace.disruption.services import disruption_reminders_send


class Command(BaseCommand):
    help = "Send the reminders of disruption expiry and review dates that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = disruption_reminders_send()
        self.stdout.write(f"Expiry reminders: {sent['expiry']}; review reminders: {sent['review']}")
