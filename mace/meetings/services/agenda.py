"""The part 1 agenda: drafted from the MACE criteria (mace.meetings.selectors.agenda_suggestions),
children added, taken off and moved by the coordinator, then frozen (the pack goes to the members
and overdue actions carry forward). A part 2 meeting's agenda is its threats (recording.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mace.access import policy
from mace.core.concurrency import save_versioned
from mace.core.errors import DomainError, require
from mace.core.notifications import notify
from mace.meetings import selectors
from mace.meetings.choices import AgendaReason, MeetingStatus
from mace.meetings.models import AgendaItem, Meeting
from mace.meetings.services._common import _by, _raise, _required_text, _text

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child

__all__ = [
    "Drafted",
    "agenda_draft",
    "agenda_item_add",
    "agenda_item_remove",
    "agenda_item_move",
    "agenda_freeze",
]


@dataclass(frozen=True)
class Drafted:
    added: int
    updated: int


def _editable_agenda(actor: User, meeting: Meeting) -> None:
    require(
        policy.can_run_meeting(actor, meeting),
        "Only the quadrant's MACE coordinator and chairs change its agenda",
    )
    if not meeting.is_part_1:
        raise DomainError("A part 2 meeting discusses threats, not individual children")
    if not meeting.agenda_open:
        raise DomainError("The agenda is frozen: it cannot change now")


@transaction.atomic
def agenda_draft(*, actor: User, meeting: Meeting) -> Drafted:
    """Draft (or bring up to date) the part 1 agenda from the MACE criteria. Children the
    coordinator removed stay removed; those they added keep their place."""
    _editable_agenda(actor, meeting)
    suggestions = selectors.agenda_suggestions(meeting)
    items = {item.child_id: item for item in meeting.agenda_items.all()}
    position = max((item.position for item in items.values()), default=0)
    added = updated = 0
    for child_id, reasons in sorted(suggestions.items(), key=_agenda_order):
        item = items.get(child_id)
        if item is None:
            position += 1
            item = AgendaItem(
                meeting=meeting,
                child_id=child_id,
                position=position,
                reasons=reasons,
                added_by=actor,
            )
            _by(actor, item)
            item.save()
            added += 1
        elif item.removed_at is None:
            merged = reasons + [r for r in item.reasons if r == AgendaReason.ADDED]
            if set(merged) != set(item.reasons):
                item.reasons = merged
                _by(actor, item)
                item.save(update_fields=["reasons"])
                updated += 1
    return Drafted(added=added, updated=updated)


def _agenda_order(entry: tuple[int, list[str]]) -> tuple[int, int]:
    """Risen risk first, then the newly eligible, then reviews; within each, by child."""
    child_id, reasons = entry
    rank: dict[str, int] = {
        AgendaReason.RISK_ROSE: 0,
        AgendaReason.NEWLY_ELIGIBLE: 1,
        AgendaReason.OVERDUE_ACTIONS: 2,
        AgendaReason.DUE_REVIEW: 3,
    }
    return min(rank.get(r, 9) for r in reasons), child_id


@transaction.atomic
def agenda_item_add(
    *, actor: User, meeting: Meeting, child: Child | None, detail: str = ""
) -> AgendaItem:
    """Put a child on the agenda by hand (a professional's concern, or a child the criteria do not
    yet show). The coordinator must be able to see the child other than through a break-glass
    grant (emergency access only reads)."""
    _editable_agenda(actor, meeting)
    if child is None or not policy.can_write_for_child(actor, child):
        raise DomainError({"child": ["Find the child by their name or reference first"]})
    item = meeting.agenda_items.filter(child=child).first()
    if item is not None and item.removed_at is None:
        raise DomainError({"child": [f"{child.full_name} is already on this agenda"]})
    if item is None:
        position = (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1
        item = AgendaItem(meeting=meeting, child=child, position=position, added_by=actor)
    item.reasons = [*[r for r in item.reasons if r != AgendaReason.ADDED], AgendaReason.ADDED]
    item.detail = _text(detail) or item.detail
    item.removed_at, item.removed_reason = None, ""
    _by(actor, item)
    item.save()
    return item


@transaction.atomic
def agenda_item_remove(*, actor: User, item: AgendaItem, reason: str) -> AgendaItem:
    _editable_agenda(actor, item.meeting)
    errors: dict[str, list[str]] = {}
    reason = _required_text(errors, "reason", reason, "Say why the child comes off the agenda")
    if item.removed_at is not None:
        errors.setdefault("__all__", []).append("The child is already off the agenda")
    _raise(errors)
    item.removed_at, item.removed_reason = timezone.now(), reason
    _by(actor, item)
    item.save(update_fields=["removed_at", "removed_reason"])
    return item


@transaction.atomic
def agenda_item_move(*, actor: User, item: AgendaItem, up: bool) -> AgendaItem:
    """Move a child one place up or down the agenda."""
    _editable_agenda(actor, item.meeting)
    items = list(
        item.meeting.agenda_items.filter(removed_at__isnull=True).order_by("position", "id")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    swap = index - 1 if up else index + 1
    if 0 <= swap < len(items):
        items[index], items[swap] = items[swap], items[index]
        for position, other in enumerate(items, start=1):
            if other.position != position:
                other.position = position
                _by(actor, other)
                other.save(update_fields=["position"])
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_freeze(*, actor: User, meeting: Meeting, version: int) -> Meeting:
    """Freeze the agenda: the pack goes to the members, overdue actions are carried forward, and
    the meeting records its discussions from now on."""
    require(policy.can_run_meeting(actor, meeting))
    if not meeting.agenda_open:
        raise DomainError("The agenda is already frozen")
    if meeting.is_part_1 and not meeting.agenda_items.filter(removed_at__isnull=True).exists():
        raise DomainError("Put at least one child on the agenda before freezing it")
    if not meeting.is_part_1 and not meeting.threats.exists():
        raise DomainError("Add at least one threat to discuss before freezing the agenda")
    frozen = save_versioned(
        Meeting,
        meeting.pk,
        version,
        history_user=actor,
        status=MeetingStatus.AGENDA_FROZEN,
        agenda_frozen_at=timezone.now(),
        agenda_frozen_by=actor,
    )
    frozen.carried_actions.set(list(selectors.overdue_actions(frozen)))
    members = [m.user for m in frozen.members.select_related("user") if m.user is not None]
    notify(
        recipients=[u for u in members if u.pk != actor.pk and policy.can_view_meeting(u, frozen)],
        kind="mace_agenda",
        message=f"The agenda for {frozen} is ready",
        url=f"/meetings/{frozen.pk}/",
    )
    return frozen
