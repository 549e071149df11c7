"""`mace demo_accounts [--json]`: the demo accounts, one per role, with their password."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.demo.accounts import demo_accounts, demo_accounts_table, demo_password, demo_users


class Command(BaseCommand):
    help = (
        "Print one demo account per role (username, password, roles, agency, quadrant). "
        "The password is MACE_DEMO_PASSWORD, or the one generated and kept in var/demo-password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", help="print a JSON list and nothing else on stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = demo_users()
        if not users:
            raise CommandError("There are no demo accounts yet: run `uv run mace seed_demo` first.")
        password = demo_password()
        accounts = demo_accounts(users, password)
        sample = next(iter(users.values()))
        if not sample.check_password(password):
            self.stderr.write(
                "The demo accounts do not have the current demo password (MACE_DEMO_PASSWORD "
                "may have changed): run `uv run mace seed_demo` to reset them."
            )
        if options["json"]:
            self.stdout.write(json.dumps(accounts, indent=2))
            return
        for line in demo_accounts_table(accounts):
            self.stdout.write(line)
