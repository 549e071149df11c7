"""MACE meetings and their actions (mace.meetings).

- A quadrant's MACE chairs and coordinator run its meetings: they schedule them, draft, edit
  and freeze part 1 agendas, record attendance, discussions, threats and actions. Only a chair
  signs the minutes off, and amends them afterwards.
- A meeting's members (its quadrant's panel, its chairs and coordinator, and the people asked
  to it) read its agenda pack and minutes. A part 1 pack names children, so only members who
  see case content read it; a district council or CSP officer asked to part 2 reads that.
  Everyone else gets 404, as for a child.
- An action is read and updated by the people of its owner agency who work on cases or as a
  district council / CSP officer (its named owner among them), and by the panel of its
  meeting's quadrant. They see the action and the meeting it came from; the child it is about
  is named only to someone who may see that child, so a district officer updates an action
  without seeing the child's case.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mace.access.policy.children import can_view_child
from mace.access.policy.criteria import mace_panel_quadrant_id
from mace.access.policy.roles import CASE_ROLES, sees_case_content
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.meetings.choices import MeetingPart
from mace.meetings.models import Action, Meeting

__all__ = [
    "ACTION_OWNER_ROLES",
    "action_names_child",
    "can_run_meeting",
    "can_run_meetings",
    "can_sign_off_minutes",
    "can_update_action",
    "can_view_action",
    "can_view_meeting",
    "scope_actions",
    "scope_meetings",
    "works_on_mace",
]

ACTION_OWNER_ROLES = CASE_ROLES | {Role.DISTRICT_OFFICER}


def _active_with_agency(user: User | None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.agency_id is not None
        and Role.SYSTEM_ADMIN not in user.role_set
    )


def works_on_mace(user: User | None) -> bool:
    """Whether the user's roles can bring them to a meeting or own an action at all (the
    meetings and actions pages); which meetings and actions is scope_meetings' and
    scope_actions' business."""
    return _active_with_agency(user) and bool(user.role_set & ACTION_OWNER_ROLES)  # type: ignore[union-attr]


def can_run_meetings(user: User | None, quadrant_id: int | None) -> bool:
    """Scheduling and running the meetings of this quadrant: its MACE chairs and coordinator."""
    return quadrant_id is not None and mace_panel_quadrant_id(user) == quadrant_id


def can_run_meeting(user: User | None, meeting: Meeting) -> bool:
    return can_run_meetings(user, meeting.quadrant_id)


def can_sign_off_minutes(user: User | None, meeting: Meeting) -> bool:
    """Signing the minutes off (and amending them after): a MACE chair of the quadrant."""
    return can_run_meeting(user, meeting) and user is not None and Role.MACE_CHAIR in user.role_set


def scope_meetings(user: User | None, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings whose agenda pack and minutes this user may read."""
    if not _active_with_agency(user):
        return queryset.none()
    assert user is not None
    member = Q(members__user=user) | Q(chairs=user) | Q(coordinator=user)
    quadrant_id = mace_panel_quadrant_id(user)
    if quadrant_id is not None:
        member |= Q(quadrant_id=quadrant_id)
    if not sees_case_content(user):
        member &= Q(part=MeetingPart.PART_2)
    return queryset.filter(pk__in=Meeting.objects.filter(member).values("pk"))


def can_view_meeting(user: User | None, meeting: Meeting) -> bool:
    return scope_meetings(user, Meeting.objects.filter(pk=meeting.pk)).exists()


def scope_actions(user: User | None, queryset: QuerySet[Action]) -> QuerySet[Action]:
    """The actions this user reads and updates: their agency's, their own, and, for a
    quadrant's panel, every action of its meetings."""
    if not _active_with_agency(user):
        return queryset.none()
    assert user is not None
    mine = Q()
    if user.role_set & ACTION_OWNER_ROLES:
        mine |= Q(owner_agency_id=user.agency_id) | Q(owner_id=user.pk)
    quadrant_id = mace_panel_quadrant_id(user)
    if quadrant_id is not None:
        mine |= Q(meeting__quadrant_id=quadrant_id)
    if not mine:
        return queryset.none()
    return queryset.filter(mine)


def can_view_action(user: User | None, action: Action) -> bool:
    return scope_actions(user, Action.objects.filter(pk=action.pk)).exists()


def can_update_action(user: User | None, action: Action) -> bool:
    """Whoever reads an action works on it: its owner agency and the panel."""
    return can_view_action(user, action)


def action_names_child(user: User | None, action: Action) -> bool:
    """Whether this user is told which child the action is about."""
    return action.child is not None and can_view_child(user, action.child)
