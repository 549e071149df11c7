"""`mace purge_drafts`: delete drafts nobody has touched for a while (30 days by default).
Periodic work: cron or a systemd timer runs it; running it twice does no harm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mace.core.drafts import DRAFT_RETENTION, drafts_purge


class Command(BaseCommand):
    help = "Delete drafts of forms that nobody has touched for --days days (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=DRAFT_RETENTION.days)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            self.stderr.write("--days must be 1 or more")
            raise SystemExit(2)
        deleted = drafts_purge(older_than=dt.timedelta(days=options["days"]))
        self.stdout.write(f"Deleted {deleted} draft(s) older than {options['days']} days")
