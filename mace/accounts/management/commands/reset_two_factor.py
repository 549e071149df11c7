"""`mace reset_two_factor USERNAME --reason "..." --by ADMIN`: remove a user's authenticator app
and recovery codes (a lost phone), so they set up a new one when they next sign in. Audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.accounts.management.commands._tokens import find_administrator, find_user
from mace.accounts.services import two_factor_reset
from mace.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Reset a user's two-factor sign-in: their authenticator app and recovery codes are "
        "removed and they set up a new one when they next sign in. Recorded in the audit with "
        "the reason and the administrator who did it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why (kept in the audit)")
        parser.add_argument(
            "--by", required=True, metavar="ADMIN", help="your own username, for the audit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["username"], active=False)
        actor = find_administrator(options["by"])
        try:
            count = two_factor_reset(user=user, actor=actor, reason=options["reason"])
        except DomainError as error:
            raise CommandError(f"--reason: {error.errors['reason'][0]}.") from error
        self.stdout.write(
            f"Reset two-factor sign-in for {user.username} ({count} devices removed). They will "
            "set up an authenticator app when they next sign in."
        )
