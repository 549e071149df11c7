"""Tests of missing episodes, risk gradings, return home interviews, the repeat missing rule,
the police CSV import and the SSDA903 export. Helpers shared by these files live here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mace.missing.models import MissingEpisode, RepeatMissingRule, ReturnInterview, RiskGrading
from mace.missing.services import episode_record
from mace.people.models import ChronologyEntry


def ago(**delta: float) -> dt.datetime:
    """A moment in the past, to the minute (as people type them)."""
    return (timezone.now() - dt.timedelta(**delta)).replace(second=0, microsecond=0)


def record(actor: Any, child: Any, **overrides: Any) -> MissingEpisode:
    """An episode that started two days ago and is still open, unless told otherwise."""
    values: dict[str, Any] = {"type": "M", "last_seen_at": ago(days=2)}
    values.update(overrides)
    return episode_record(actor=actor, child=child, **values)


def missing_rows() -> dict[str, int]:
    """How many rows each missing table holds, to show that nothing was written."""
    return {
        model.__name__: model.objects.count()
        for model in (MissingEpisode, RiskGrading, ReturnInterview, ChronologyEntry)
    }


__all__ = ["RepeatMissingRule", "ago", "missing_rows", "record"]
