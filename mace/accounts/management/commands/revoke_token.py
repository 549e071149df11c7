"""`mace revoke_token USERNAME [--hint HINT | --all]`: revoke a user's personal API tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.accounts.management.commands._tokens import find_user
from mace.accounts.services import api_token_revoke
from mace.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Revoke a user's personal API token, named by the first characters list_tokens shows "
        "(--hint), or all of their tokens (--all). Revoked tokens are kept for the record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--hint", help="the token's first characters (as list_tokens shows)")
        which.add_argument("--all", action="store_true", help="revoke every token of the user")

    def handle(self, *args: Any, **options: Any) -> None:
        # An inactive user's tokens can still be revoked: that is often why they were stopped.
        user = find_user(options["username"], active=False)
        try:
            count = api_token_revoke(user=user, hint=options["hint"], every=options["all"])
        except DomainError as error:
            raise CommandError(
                f"{error.errors['hint'][0]}; see `uv run mace list_tokens {user.username}`."
            ) from error
        plural = "token" if count == 1 else "tokens"
        self.stdout.write(f"Revoked {count} {plural} of {user.username}.")
