"""`mace send_notification_emails`: send every notification email that is due: one whose queued
task was lost or whose worker was down, or a failed one whose back-off has passed. Periodic
work (`mace periodic` runs it hourly); running it twice, or beside the task workers, sends
nothing twice (mace.core.notifications claims each email before sending it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mace.core.notifications import notification_emails_sweep


class Command(BaseCommand):
    help = "Send the notification emails that are due (new, or failed and due to be tried again)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = notification_emails_sweep()
        self.stdout.write(
            f"{counts['sent']} notification email(s) sent, {counts['failed']} failed; "
            f"{counts['gave_up']} given up in all"
        )
