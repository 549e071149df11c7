"""`mace issue_token USERNAME [--days N] [--name NAME]`: a new personal API token, shown once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mace.accounts.management.commands._tokens import find_user
from mace.accounts.models import ApiToken
from mace.accounts.services import MAX_TOKEN_DAYS, api_token_issue
from mace.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue a personal API token for a user and print it once. Only its hash is stored: "
        "copy it now. The token alone is printed on stdout; the details go to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            default=ApiToken.DEFAULT_LIFETIME.days,
            help=(
                f"days until it expires (1-{MAX_TOKEN_DAYS}; "
                f"default {ApiToken.DEFAULT_LIFETIME.days})"
            ),
        )
        parser.add_argument("--name", default="Personal token", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["username"])
        try:
            raw, token = api_token_issue(user=user, name=options["name"], days=options["days"])
        except DomainError as error:
            raise CommandError(
                " ".join(
                    f"{'' if field == 'user' else f'--{field}: '}{message}."
                    for field, messages in error.errors.items()
                    for message in messages
                )
            ) from error
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.name!r} for {user.username}, recognisable by {token.hint}…, expires "
            f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}. It will not be shown again. "
            "Send it as: Authorization: Bearer <token>"
        )
