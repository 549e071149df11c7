"""`mace send_notification_emails`: send every notification email that is due: one whose queued
task was lost or whose worker was down, or a failed one whose back-off has passed. Periodic
work (`mace periodic` runs it hourly); running it twice, or beside the task workers, sends
nothing twice (mace.core.notifications claims each email before sending it).

`--retry-given-up` first puts the emails given up after MACE_EMAIL_MAX_ATTEMPTS back in line
(once the mail server is mended); the platform never does that by itself."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mace.core.notifications import notification_emails_retry_given_up, notification_emails_sweep


class Command(BaseCommand):
    help = "Send the notification emails that are due (new, or failed and due to be tried again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retry-given-up",
            action="store_true",
            help="First put the emails that were given up back in line, with fresh attempts",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry_given_up"]:
            self.stdout.write(
                f"{notification_emails_retry_given_up()} given-up email(s) put back in line"
            )
        counts = notification_emails_sweep()
        self.stdout.write(
            f"{counts['sent']} notification email(s) sent, {counts['failed']} failed; "
            f"{counts['gave_up']} given up in all"
        )
