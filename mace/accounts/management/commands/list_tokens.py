"""`mace list_tokens USERNAME`: a user's personal API tokens (never the tokens themselves)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mace.accounts.management.commands._tokens import find_user, status
from mace.accounts.models import ApiToken


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "never"


class Command(BaseCommand):
    help = "List a user's personal API tokens: hint, name, dates and whether each still works."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["username"], active=False)
        tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))
        if not tokens:
            self.stdout.write(f"{user.username} has no API tokens.")
            return
        header = ["Hint", "Name", "Created", "Expires", "Last used", "Status"]
        rows = [
            [
                f"{t.hint}…",
                t.name,
                _when(t.created_at),
                _when(t.expires_at),
                _when(t.last_used_at),
                status(t),
            ]
            for t in tokens
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
