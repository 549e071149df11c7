"""`uv run mace anchor_audit`: the hourly sweep that anchors the audit outside the database.

It checks every log's chain against the heads it last recorded in MACE_AUDIT_ANCHOR_FILE (an
append-only file on storage the database's administrators cannot write), then appends the heads
as they are now: one JSON line with the time, written in append mode and flushed to disk. When a
chain is broken or a log has fallen behind its recorded head (a log deleted with its head row, a
tail cut off and the head rewritten, an older backup restored) it appends nothing, writes a
security event and tells the data protection officers, and exits 1; it keeps doing so every run
until someone has looked (one unread notification per problem, not one an hour).

It checks each chain from where the last clean check ended (`verify_audit --full` re-reads
everything), with a process per core.

Safe to run again and alongside another copy: each run only reads the database and appends a
line of what it saw."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from mace.access.anchor import AnchorError, check, head_line, read_saved, record
from mace.access.audit import security_event_record
from mace.access.choices import SecurityAction

NOTIFICATION_KIND = "audit_tampered"


def _alert(problem: str) -> None:
    """A security event, and a notification to each data protection officer who does not
    already have this one unread."""
    from mace.accounts.choices import Role
    from mace.accounts.models import User
    from mace.core.models import Notification
    from mace.core.notifications import notify

    message = f"The audit logs failed their hourly check: {problem}"[:300]
    security_event_record(action=SecurityAction.AUDIT_TAMPERED, detail=problem)
    already = Notification.objects.filter(
        kind=NOTIFICATION_KIND, message=message, read_at__isnull=True
    ).values("recipient_id")
    officers = User.objects.filter(
        is_active=True, role_assignments__role=Role.DATA_PROTECTION
    ).exclude(pk__in=already)
    notify(
        recipients=officers,
        kind=NOTIFICATION_KIND,
        message=message,
        url=reverse("access:audit_start"),
    )


class Command(BaseCommand):
    help = "Check the audit chains against the last recorded heads, then record the heads."

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.MACE_AUDIT_ANCHOR_FILE
        try:
            saved = read_saved(path)
        except AnchorError as exc:
            # The anchor itself is unreadable: nothing can be checked, so nothing is appended.
            _alert(str(exc))
            raise CommandError(str(exc)) from exc
        results, breaks = check(saved, jobs=os.cpu_count() or 1)
        if breaks:
            problem = "; ".join(map(str, breaks))
            if saved is not None:
                problem += f" (checked against {saved.describe()})"
            _alert(problem)
            raise CommandError(
                "The audit has been tampered with; the data protection officers were told and "
                f"no head was recorded:\n{problem}"
            )
        record(path, head_line(result.current for result in results))
        heads = ", ".join(f"{result.log} {result.rows:,}" for result in results)
        self.stdout.write(f"Recorded the audit heads in {path}: {heads}.")
