"""Who may keep a draft of a return home interview: whoever may record it (the same rule as
submitting it). Keys read `interview:episode:<id>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mace.accounts.models import User


def interview_draft_rule(user: User, parts: list[str]) -> bool:
    from mace.access import policy
    from mace.missing.models import MissingEpisode

    if len(parts) != 2 or parts[0] != "episode" or not parts[1].isdigit():
        return False
    episode = MissingEpisode.objects.select_related("child").filter(pk=int(parts[1])).first()
    return episode is not None and policy.can_record_missing(user, episode.child)
