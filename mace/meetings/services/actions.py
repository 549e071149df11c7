"""Actions a meeting gives partner agencies (their owners are told), and the owners' updates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mace.access import policy
from mace.core.bounds import event_date_problem
from mace.core.concurrency import require_version, save_versioned
from mace.core.errors import require
from mace.core.notifications import notify
from mace.meetings import selectors
from mace.meetings.choices import ActionStatus
from mace.meetings.models import Action, ActionUpdate, AgendaItem, Meeting, Threat
from mace.meetings.services._common import _by, _raise, _required_text
from mace.meetings.services.recording import _mark_held, _recording

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.reference.models import Agency

__all__ = [
    "action_create",
    "action_update_add",
]


@transaction.atomic
def action_create(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    owner_agency: Agency | None,
    due_on: dt.date | None,
    owner: User | None = None,
    item: AgendaItem | None = None,
    threat: Threat | None = None,
) -> Action:
    """An action the meeting gives an agency (and, if known, a named person in it). A part 1
    action may be about a child on the agenda; a part 2 action may answer a threat."""
    _recording(actor, meeting)
    errors: dict[str, list[str]] = {}
    description = _required_text(
        errors, "description", description, "Enter what the agency is to do"
    )
    if owner_agency is None:
        errors["owner_agency"] = ["Choose the agency that owns the action"]
    elif owner is not None and owner.agency_id != owner_agency.pk:
        errors["owner"] = [f"{owner.display_name} does not work for {owner_agency}"]
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due"]
    elif problem := event_date_problem(due_on, name="Due date"):
        errors["due_on"] = [problem]
    elif due_on < timezone.localdate():
        errors["due_on"] = ["The due date cannot be in the past"]
    if item is not None and (item.meeting_id != meeting.pk or item.removed_at is not None):
        errors["item"] = ["Choose a child on this meeting's agenda"]
    if threat is not None and threat.meeting_id != meeting.pk:
        errors["threat"] = ["Choose a threat discussed at this meeting"]
    _raise(errors)
    assert due_on is not None
    action = Action(
        meeting=meeting,
        child=item.child if item is not None else None,
        threat=threat,
        description=description,
        owner_agency=owner_agency,
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    _by(actor, action)
    action.save()
    _mark_held(actor, meeting)
    notify(
        recipients=[u for u in selectors.action_recipients(action) if u.pk != actor.pk],
        kind="mace_action",
        message=f"A MACE action for {owner_agency}, due {due_on:%d %B %Y}",
        url=f"/meetings/actions/{action.pk}/",
    )
    return action


@transaction.atomic
def action_update_add(
    *, actor: User, action: Action, version: int, status: str, note: str
) -> ActionUpdate:
    """The owner's progress: a note, and the status it leaves the action in."""
    require(policy.can_update_action(actor, action), "You cannot update this action")
    errors: dict[str, list[str]] = {}
    if status not in ActionStatus.values:
        errors["status"] = ["Choose the action's status"]
    note = _required_text(errors, "note", note, "Enter what has been done")
    _raise(errors)
    if status != action.status:
        save_versioned(Action, action.pk, version, history_user=actor, status=status)
    else:
        require_version(action, version)
    assert actor.agency_id is not None
    update = ActionUpdate.objects.create(
        action=action, author=actor, agency_id=actor.agency_id, status=status, note=note
    )
    action.refresh_from_db()
    return update
