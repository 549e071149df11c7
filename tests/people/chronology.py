"""A child's chronology of a given length, built through the services: every third entry a
concern with indicators and routes, the others notes, some of them amended."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from mace.people.services import chronology_add, chronology_amend
from tests.pages import today


def build_chronology(*, actor: Any, child: Any, length: int) -> None:
    """Exactly `length` original entries (amendments come on top of them)."""
    for n in range(length):
        if n % 3 == 0:
            concern_record(
                actor=actor,
                child=child,
                narrative=f"Fictional concern number {n}.",
                indicators=[
                    IndicatorSeen("multiple-phones", today() - dt.timedelta(days=n), "observed"),
                    IndicatorSeen("older-associates", today() - dt.timedelta(days=n), "child"),
                ],
                routes=[RouteTo("police", today() + dt.timedelta(days=3))],
            )
        else:
            entry = chronology_add(
                actor=actor, child=child, kind=EntryKind.NOTE, title=f"Fictional note {n}"
            )
            if n % 3 == 1:
                chronology_amend(
                    actor=actor, entry=entry, body=f"Corrected note {n}", reason="Typing error"
                )
    assert ChronologyEntry.objects.filter(child=child, amends__isnull=True).count() == length
