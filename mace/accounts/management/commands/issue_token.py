"""`mace issue_token USERNAME [--days N] [--name NAME]`: a new personal API token, shown once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mace.accounts.management.commands._tokens import find_user
from mace.accounts.models import ApiToken

# A year at most: a token is a password that never asks for a second factor, so it must lapse.
MAX_DAYS = 366


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
            help=f"days until it expires (1-{MAX_DAYS}; default {ApiToken.DEFAULT_LIFETIME.days})",
        )
        parser.add_argument("--name", default="Personal token", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["username"])
        days = options["days"]
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}, not {days}.")
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters.")
        raw, key_hash = ApiToken.new_secret()
        hint = raw[:12]
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_hash=key_hash,
            hint=hint,
            expires_at=timezone.now() + timedelta(days=days),
        )
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {name!r} for {user.username}, recognisable by {hint}…, expires "
            f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}. It will not be shown again. "
            "Send it as: Authorization: Bearer <token>"
        )
