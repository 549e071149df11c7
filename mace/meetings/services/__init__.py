"""Writes for MACE meetings, by sub-domain: scheduling and members (schedule.py), the part 1
agenda (agenda.py), what the meeting records (recording.py: attendance, discussions and
decisions, part 2 threats and themes, the general minutes), actions and their updates
(actions.py), and the minutes' sign-off and amendments (minutes.py). Reads, the agenda's
suggestions among them, are in mace.meetings.selectors.

Every function takes the acting user, asks the access policy (Refused when it says no),
refuses bad input with DomainError (field errors) and a stale copy with ConflictError. Import
from here (`from mace.meetings import services`): every module's public names are re-exported."""

from __future__ import annotations

from mace.meetings.services import actions, agenda, minutes, recording, schedule
from mace.meetings.services.actions import *  # noqa: F403
from mace.meetings.services.agenda import *  # noqa: F403
from mace.meetings.services.minutes import *  # noqa: F403
from mace.meetings.services.recording import *  # noqa: F403
from mace.meetings.services.schedule import *  # noqa: F403

__all__ = [
    *schedule.__all__,
    *agenda.__all__,
    *recording.__all__,
    *actions.__all__,
    *minutes.__all__,
]
