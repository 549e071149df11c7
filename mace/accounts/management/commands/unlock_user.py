"""`mace unlock_user USERNAME --by ADMIN`: lift a lockout after failed sign-ins. Audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mace.accounts.management.commands._tokens import find_administrator, find_user
from mace.accounts.services import account_unlock


class Command(BaseCommand):
    help = (
        "Unlock a user locked out after too many failed sign-ins (from every address). "
        "Recorded in the audit with the administrator who did it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--by", required=True, metavar="ADMIN", help="your own username, for the audit"
        )
        parser.add_argument("--reason", default="", help="why (kept in the audit)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["username"], active=False)
        actor = find_administrator(options["by"])
        count = account_unlock(user=user, actor=actor, reason=options["reason"])
        if count:
            self.stdout.write(f"Unlocked {user.username} ({count} failed-attempt records cleared).")
        else:
            self.stdout.write(f"{user.username} was not locked out; recorded the unlock anyway.")
