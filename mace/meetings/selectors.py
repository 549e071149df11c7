"""Reads for the meetings pages and API: a meeting's pack (agenda, discussions, threats, actions,
attendance, amendments) in a fixed number of queries, and the lists of meetings and actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from mace.access import policy
from mace.meetings.choices import ActionStatus, MeetingStatus
from mace.meetings.models import Action, ActionUpdate, AgendaItem, Meeting, Threat

if TYPE_CHECKING:
    from mace.accounts.models import User


def meeting_or_404(user: User, meeting_id: int) -> Meeting:
    """A meeting the user may read (404 for any other, as for one that does not exist)."""
    meeting = (
        policy.scope_meetings(user, Meeting.objects.all())
        .select_related("quadrant", "coordinator", "agenda_frozen_by", "signed_off_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def action_or_404(user: User, action_id: int) -> Action:
    action = (
        policy.scope_actions(user, Action.objects.all())
        .select_related("meeting__quadrant", "owner_agency", "owner", "child", "threat")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def meetings_for(user: User) -> QuerySet[Meeting]:
    return (
        policy.scope_meetings(user, Meeting.objects.all())
        .select_related("quadrant")
        .order_by("-starts_at", "-id")
    )


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related("owner_agency", "owner", "child", "meeting").order_by(
        "due_on", "id"
    )


@dataclass
class Pack:
    """What a meeting's page, its PDF and its API answer show."""

    meeting: Meeting
    items: list[AgendaItem] = field(default_factory=list)
    removed: list[AgendaItem] = field(default_factory=list)
    threats: list[Threat] = field(default_factory=list)
    members: list[Any] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    carried: list[Action] = field(default_factory=list)
    amendments: list[Any] = field(default_factory=list)
    chairs: list[Any] = field(default_factory=list)

    def children(self) -> list[Any]:
        return [item.child for item in self.items]

    def actions_for_item(self, item: AgendaItem) -> list[Action]:
        return [a for a in self.actions if a.child_id == item.child_id]

    def rows(self) -> list[dict[str, Any]]:
        """Each child on the agenda with the actions about them, as the page and PDF show."""
        return [{"item": item, "actions": self.actions_for_item(item)} for item in self.items]


def meeting_pack(meeting: Meeting) -> Pack:
    """The pack of a meeting the caller may read (a fixed number of queries, whatever the size
    of the agenda or the number of actions)."""
    items = list(
        meeting.agenda_items.select_related("child", "discussion__recorded_by").order_by(
            "position", "id"
        )
    )
    # Until the agenda freezes, the overdue actions it will carry forward; then those it did.
    if meeting.agenda_open:
        from mace.meetings.services import overdue_actions

        carried = list(overdue_actions(meeting))
    else:
        carried = list(
            meeting.carried_actions.select_related("owner_agency", "meeting").order_by("due_on")
        )
    return Pack(
        meeting=meeting,
        items=[i for i in items if i.removed_at is None],
        removed=[i for i in items if i.removed_at is not None],
        threats=list(meeting.threats.select_related("record").order_by("position", "id")),
        members=list(meeting.members.select_related("agency", "user")),
        actions=list(
            _actions()
            .filter(meeting=meeting)
            .prefetch_related(
                Prefetch("updates", queryset=ActionUpdate.objects.select_related("author"))
            )
        ),
        carried=carried,
        amendments=list(meeting.amendments.select_related("author")),
        chairs=list(meeting.chairs.all()),
    )


def threat_records(user: User, meeting: Meeting) -> list[tuple[int, str]]:
    """(id, label) of the intelligence records the user sees in the meeting's quadrant, for a
    part 2 threat to point at (the first 300 by name)."""
    from mace.intelligence.models import Record

    records = policy.scope_intelligence(user, Record.objects.all()).filter(
        area__quadrant_id=meeting.quadrant_id
    )
    return [(r.pk, f"{r.label} ({r.get_kind_display()})") for r in records.order_by("label")[:300]]


def actions_list(user: User, *, show: str = "open") -> QuerySet[Action]:
    """The actions the user works on (scope_actions): open (the default), overdue, or all."""
    actions = policy.scope_actions(user, Action.objects.all()).select_related(
        "meeting__quadrant", "owner_agency", "owner"
    )
    if show in ("open", "overdue"):
        actions = actions.filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
    if show == "overdue":
        actions = actions.filter(due_on__lt=timezone.localdate())
    return actions.order_by("due_on", "id")


def upcoming(user: User) -> QuerySet[Meeting]:
    return (
        meetings_for(user)
        .filter(starts_at__gte=timezone.now() - dt.timedelta(days=1))
        .exclude(status__in=[MeetingStatus.CANCELLED, MeetingStatus.SIGNED_OFF])
        .order_by("starts_at")
    )
