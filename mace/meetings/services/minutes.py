"""The minutes: a chair signs them off (each child's decision goes to their chronology), then
they change only by a recorded amendment. The PDF is drawn by mace.meetings.minutes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mace.access import policy
from mace.core.concurrency import save_versioned
from mace.core.errors import DomainError, require
from mace.meetings.choices import MeetingStatus
from mace.meetings.models import Discussion, Meeting, MinutesAmendment
from mace.meetings.services._common import _raise, _required_text
from mace.meetings.services.recording import RECORDING
from mace.people.choices import EntryKind, InvolvementReason

if TYPE_CHECKING:
    from mace.accounts.models import User

__all__ = [
    "decision_entry_body",
    "minutes_sign_off",
    "minutes_amend",
]


def decision_entry_body(discussion: Discussion) -> str:
    """The chronology entry a signed-off decision puts on the child's record (also written by the
    demo data set, which signs minutes off in bulk)."""
    lines = [
        f"Decision: {discussion.get_decision_display()}",
        f"Risk level agreed: {discussion.get_agreed_level_display()}",
        f"Plan: {discussion.plan}",
    ]
    if discussion.review_by:
        lines.append(f"Review from: {discussion.review_by:%d %B %Y}")
    if discussion.disruption_opportunities:
        lines.append(f"Disruption opportunities: {discussion.disruption_opportunities}")
    if discussion.evidence_to_collect:
        lines.append(f"Evidence to collect: {discussion.evidence_to_collect}")
    return "\n".join(lines)


@transaction.atomic
def minutes_sign_off(*, actor: User, meeting: Meeting, version: int) -> Meeting:
    """A chair signs the minutes off: each child's decision goes to their chronology, and the
    minutes change only by amendment from now on."""
    from mace.people.services import chronology_add, involvement_ensure

    require(
        policy.can_sign_off_minutes(actor, meeting),
        "Only a MACE chair of the quadrant signs its minutes off",
    )
    if meeting.signed_off:
        raise DomainError("The minutes are already signed off")
    if meeting.status not in RECORDING:
        raise DomainError("Freeze the agenda and record the meeting before signing it off")
    items = list(
        meeting.agenda_items.filter(removed_at__isnull=True)
        .select_related("child", "discussion")
        .order_by("position", "id")
    )
    undecided = [i.child.full_name for i in items if not hasattr(i, "discussion")]
    if undecided:
        raise DomainError(
            "Record the panel's decision for every child on the agenda first: "
            + ", ".join(undecided)
        )
    signed = save_versioned(
        Meeting,
        meeting.pk,
        version,
        history_user=actor,
        status=MeetingStatus.SIGNED_OFF,
        signed_off_at=timezone.now(),
        signed_off_by=actor,
    )
    for item in items:
        discussion = item.discussion
        # Writing on the child's chronology involves the chair's agency with them, as any
        # record does (mace.access.policy: the involved agencies see the child).
        assert actor.agency is not None
        involvement_ensure(
            actor=actor,
            child=item.child,
            agency=actor.agency,
            reason=InvolvementReason.RECORDED,
        )
        entry = chronology_add(
            actor=actor,
            child=item.child,
            kind=EntryKind.MACE_DECISION,
            title=f"{meeting}: {discussion.get_decision_display()}",
            body=decision_entry_body(discussion),
            occurred_at=meeting.starts_at,
        )
        Discussion.objects.filter(pk=discussion.pk).update(chronology_entry=entry)
    return signed


@transaction.atomic
def minutes_amend(*, actor: User, meeting: Meeting, text: str, reason: str) -> MinutesAmendment:
    """Change signed-off minutes: a recorded amendment, shown with the minutes and in the PDF."""
    require(
        policy.can_sign_off_minutes(actor, meeting),
        "Only a MACE chair of the quadrant amends its minutes",
    )
    errors: dict[str, list[str]] = {}
    if not meeting.signed_off:
        errors["__all__"] = ["The minutes are not signed off yet: change them directly"]
    text = _required_text(errors, "text", text, "Enter what the minutes should now say")
    reason = _required_text(errors, "reason", reason, "Say why the minutes change")
    _raise(errors)
    return MinutesAmendment.objects.create(meeting=meeting, author=actor, text=text, reason=reason)
