"""`mace revoke_token USERNAME [--hint HINT | --all]`: revoke a user's personal API tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mace.accounts.management.commands._tokens import find_user
from mace.accounts.models import ApiToken


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
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if not options["all"]:
            hint = (options["hint"] or "").strip().rstrip("…").rstrip(".")
            if not hint:
                raise CommandError("Give the token's first characters with --hint, or use --all.")
            matching = [t for t in tokens if t.hint.startswith(hint) or hint.startswith(t.hint)]
            if not matching:
                raise CommandError(
                    f"{user.username} has no unrevoked token starting {hint!r}; "
                    f"see `uv run mace list_tokens {user.username}`."
                )
            if len(matching) > 1:
                raise CommandError(
                    f"{len(matching)} tokens start {hint!r}; give more characters of the hint."
                )
            tokens = tokens.filter(pk=matching[0].pk)
        count = tokens.update(revoked_at=timezone.now())
        plural = "token" if count == 1 else "tokens"
        self.stdout.write(f"Revoked {count} {plural} of {user.username}.")
