"""Reads for the meetings pages, API and services: a meeting's pack (agenda, discussions, threats,
actions, attendance, amendments) in a fixed number of queries, the lists of meetings and actions,
what the MACE criteria suggest for a part 1 agenda, the actions carried forward, and who sits on
a quadrant's panel or hears of an action. Nothing here writes; nothing here imports a service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mace.access import policy
from mace.accounts.choices import Role
from mace.assessments.choices import AssessmentStatus, RiskLevel
from mace.meetings.choices import ActionStatus, AgendaReason, Decision, MeetingStatus
from mace.meetings.models import Action, ActionUpdate, AgendaItem, Discussion, Meeting, Threat

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.reference.models import Quadrant

LEVEL_RANK: dict[str, int] = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


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


# --- for the services: the panel, the agenda, who is told --------------------------------------


def quadrant_panel(quadrant: Quadrant) -> tuple[list[User], User | None]:
    """The quadrant's MACE chairs, and its coordinator (the first, if it has several)."""
    from mace.accounts.models import User

    people = list(
        User.objects.filter(
            quadrant=quadrant, is_active=True, role_assignments__role__in=policy.MACE_PANEL_ROLES
        )
        .distinct()
        .order_by("username")
    )
    chairs = [u for u in people if Role.MACE_CHAIR in u.role_set]
    coordinators = [u for u in people if Role.MACE_COORDINATOR in u.role_set]
    return chairs, (coordinators[0] if coordinators else None)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The quadrant's last meeting of the same part before this one (cancelled ones aside)."""
    return (
        Meeting.objects.filter(
            quadrant_id=meeting.quadrant_id, part=meeting.part, starts_at__lt=meeting.starts_at
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


def overdue_actions(meeting: Meeting) -> QuerySet[Action]:
    """Actions of the quadrant's earlier meetings of the same part still open and due before
    this meeting: they carry forward to its agenda."""
    return (
        Action.objects.filter(
            meeting__quadrant_id=meeting.quadrant_id,
            meeting__part=meeting.part,
            meeting__starts_at__lt=meeting.starts_at,
            status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
            due_on__lt=timezone.localdate(meeting.starts_at),
        )
        .select_related("owner_agency", "meeting", "child")
        .order_by("due_on", "id")
    )


def agenda_suggestions(meeting: Meeting) -> dict[int, list[str]]:
    """Child id -> why the MACE criteria put them on this part 1 agenda: newly eligible (never
    discussed by this quadrant), due for review (last decided: stay on MACE, and its review date,
    if the panel set one, has come), risk risen (a
    completed assessment since the last meeting rates them higher than before), or with actions
    overdue. A fixed number of queries."""
    from mace.assessments.models import Assessment
    from mace.criteria.models import Eligibility

    previous = previous_meeting(meeting)
    since = previous.starts_at if previous else meeting.starts_at - dt.timedelta(days=31)
    reasons: dict[int, list[str]] = {}

    def add(child_id: int, reason: str) -> None:
        codes = reasons.setdefault(child_id, [])
        if reason not in codes:
            codes.append(reason)

    eligible = set(
        Eligibility.objects.filter(quadrant_id=meeting.quadrant_id).values_list(
            "child_id", flat=True
        )
    )
    # The last decision this quadrant's panel made about each child it has discussed.
    last: dict[int, tuple[str, str]] = {}
    review_by: dict[int, dt.date | None] = {}
    for child_id, decision, level, review_on in (
        Discussion.objects.filter(
            item__meeting__quadrant_id=meeting.quadrant_id,
            item__meeting__starts_at__lt=meeting.starts_at,
        )
        .order_by("item__meeting__starts_at", "id")
        .values_list("item__child_id", "decision", "agreed_level", "review_by")
    ):
        last[child_id] = (decision, level)
        review_by[child_id] = review_on
    for child_id in eligible:
        if child_id not in last:
            add(child_id, AgendaReason.NEWLY_ELIGIBLE)
    meeting_day = timezone.localdate(meeting.starts_at)
    for child_id, (decision, _) in last.items():
        due = review_by.get(child_id)
        if decision == Decision.STAY and (due is None or due <= meeting_day):
            add(child_id, AgendaReason.DUE_REVIEW)
    # Risk risen: compare the latest completed assessment since the last meeting with the level
    # before it (the panel's agreed level, else the assessment before).
    candidates = eligible | set(last)
    levels: dict[int, list[tuple[dt.datetime | None, str]]] = {}
    for child_id, completed_at, level in (
        Assessment.objects.filter(child_id__in=candidates, status=AssessmentStatus.COMPLETED)
        .order_by("child_id", "completed_at", "id")
        .values_list("child_id", "completed_at", "level")
    ):
        levels.setdefault(child_id, []).append((completed_at, level))
    for child_id, history in levels.items():
        latest_at, latest = history[-1]
        if latest_at is None or latest_at < since:
            continue
        before = (
            last[child_id][1] if child_id in last else (history[-2][1] if len(history) > 1 else "")
        )
        if before and LEVEL_RANK.get(latest, 0) > LEVEL_RANK.get(before, 0):
            add(child_id, AgendaReason.RISK_ROSE)
    for child_id in (
        overdue_actions(meeting).filter(child__isnull=False).values_list("child_id", flat=True)
    ):
        add(child_id, AgendaReason.OVERDUE_ACTIONS)
    return reasons


def action_recipients(action: Action) -> list[User]:
    """Who is told about a new action: its named owner, else the owner agency's managers and
    district council / CSP officers."""
    from mace.accounts.models import User

    if action.owner is not None:
        return [action.owner]
    return list(
        User.objects.filter(
            agency_id=action.owner_agency_id,
            is_active=True,
            role_assignments__role__in=[Role.AGENCY_MANAGER, Role.DISTRICT_OFFICER],
        ).distinct()
    )


def actions_for(user: User) -> QuerySet[Action]:
    """The open actions this user's agency owns (or the user does), soonest due first."""
    return (
        policy.scope_actions(user, Action.objects.all())
        .filter(Q(owner_agency_id=user.agency_id) | Q(owner_id=user.pk))
        .filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        .select_related("meeting__quadrant", "owner_agency", "owner")
        .order_by("due_on", "id")
    )
