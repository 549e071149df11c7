"""What the route walks (tests/access, tests/api) need from missing episodes: a closed episode
with a grading and a held return interview, and request bodies that are valid whenever they are
sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mace.missing.models import MissingEpisode, ReturnInterview
from mace.missing.services import episode_record, interview_save


def _ago(**delta: float) -> dt.datetime:
    return (timezone.now() - dt.timedelta(**delta)).replace(second=0, microsecond=0)


def closed_episode_with_interview(actor: Any, child: Any) -> tuple[MissingEpisode, ReturnInterview]:
    episode = episode_record(
        actor=actor,
        child=child,
        type="M",
        last_seen_at=_ago(days=6),
        ended_at=_ago(days=5),
        end_reason="found",
        found_where="A fictional bus shelter",
        police_reference="WORLD/0001",
        risk_grade="medium",
    )
    interview = interview_save(
        actor=actor,
        episode=episode,
        version=None,
        offered="Y",
        accepted="Y",
        held_at=_ago(days=4),
        interviewer=actor,
        independent=True,
        child_account="Stayed with a fictional friend; did not want to say more.",
        push_factors=["Arguments at home"],
        pull_factors=["An older friend"],
        people_named=["'Bex' (fictional)"],
        places_named=["The fictional pier"],
        actions_agreed="Safety plan reviewed.",
    )
    return episode, interview


def episode_body() -> dict[str, Any]:
    """A new open episode that started an hour ago (after the world's closed one)."""
    return {
        "type": "A",
        "last_seen_at": _ago(hours=1).isoformat(),
        "reported_by": "Residential home manager (fictional)",
        "looked_after": True,
        "risk_grade": "low",
    }


def grading_body(episode: MissingEpisode) -> dict[str, Any]:
    """A regrading within the world's closed episode."""
    assert episode.ended_at is not None
    return {
        "grade": "high",
        "graded_at": (episode.started_at + dt.timedelta(hours=2)).isoformat(),
        "reason": "Intelligence that the child was with older adults (fictional)",
    }


def interview_body(*, version: int | None, interviewer: str) -> dict[str, Any]:
    return {
        "version": version,
        "offered": "Y",
        "accepted": "Y",
        "held_at": _ago(days=4).isoformat(),
        "interviewer": interviewer,
        "independent": True,
        "child_account": "Said she stayed with a fictional friend.",
        "push_factors": ["Arguments at home"],
        "pull_factors": [],
        "people_named": [],
        "places_named": [],
        "actions_agreed": "",
    }
