"""`mace demo_accounts [--json]`: the demo accounts, one per role, with their password."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.core import demo


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
        wanted = demo.demo_accounts_by_role()
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[spec.username for _, spec in wanted])
            .select_related("agency", "quadrant")
            .prefetch_related("role_assignments")
        }
        if not users:
            raise CommandError("There are no demo accounts yet: run `uv run mace seed_demo` first.")
        password = demo.demo_password()
        accounts = []
        for _role, spec in wanted:
            user = users.get(spec.username)
            if user is None:
                continue
            roles = sorted(
                (ra.role for ra in user.role_assignments.all()), key=list(Role.values).index
            )
            accounts.append(
                {
                    "username": user.username,
                    "password": password,
                    "roles": roles,
                    "agency": user.agency.name if user.agency else None,
                    "quadrant": user.quadrant.name if user.quadrant else None,
                }
            )
        sample = next(iter(users.values()))
        if not sample.check_password(password):
            self.stderr.write(
                "The demo accounts do not have the current demo password (MACE_DEMO_PASSWORD "
                "may have changed): run `uv run mace seed_demo` to reset them."
            )
        if options["json"]:
            self.stdout.write(json.dumps(accounts, indent=2))
            return
        self._table(accounts)

    def _table(self, accounts: list[dict[str, Any]]) -> None:
        labels = dict(Role.choices)
        rows = [
            [
                a["username"],
                a["password"],
                ", ".join(str(labels[r]) for r in a["roles"]),
                a["agency"] or "—",
                a["quadrant"] or "—",
            ]
            for a in accounts
        ]
        header = ["Username", "Password", "Roles", "Agency", "Quadrant"]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("Demo accounts (synthetic data only), one per role:")
        self.stdout.write("")
        self.stdout.write(line(header))
        self.stdout.write(line(["-" * w for w in widths]))
        for row in rows:
            self.stdout.write(line(row))
