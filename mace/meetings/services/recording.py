"""At the meeting: attendance and apologies, each child's discussion and decision, part 2 threats
and what the panel concluded, and the general minutes (and part 2 themes). The first discussion,
action or concluded threat marks the meeting held."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mace.access import policy
from mace.assessments.choices import RiskLevel
from mace.core.bounds import event_date_problem
from mace.core.concurrency import require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.meetings.choices import Attendance, Decision, MeetingStatus
from mace.meetings.models import AgendaItem, Discussion, Meeting, MeetingMember, Threat
from mace.meetings.services._common import _by, _raise, _required_text, _text

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.intelligence.models import Record

__all__ = [
    "RECORDING",
    "DISCUSSION_FIELDS",
    "attendance_record",
    "discussion_record",
    "threat_add",
    "threat_update",
    "meeting_notes_update",
]


# The statuses in which a meeting records what it discussed and decided.
RECORDING = (MeetingStatus.AGENDA_FROZEN, MeetingStatus.HELD)
# What a discussion records besides its review date (the page's form shows them again).
DISCUSSION_FIELDS = (
    "agreed_level",
    "plan",
    "disruption_opportunities",
    "evidence_to_collect",
    "decision",
)


def _recording(actor: User, meeting: Meeting) -> None:
    """The actor runs the meeting, and it is recording (agenda frozen or held, not signed off)."""
    require(policy.can_run_meeting(actor, meeting))
    if meeting.status not in RECORDING:
        if meeting.signed_off:
            raise DomainError("The minutes are signed off: they change only by amendment")
        raise DomainError("Freeze the agenda before recording the meeting")


def _mark_held(actor: User, meeting: Meeting) -> None:
    """The first thing recorded at a meeting marks it held."""
    if meeting.status == MeetingStatus.AGENDA_FROZEN:
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
        meeting.status = MeetingStatus.HELD


@transaction.atomic
def attendance_record(
    *, actor: User, meeting: Meeting, marks: Mapping[int, str]
) -> list[MeetingMember]:
    """Record who was present and who sent apologies (member id -> Attendance)."""
    require(policy.can_run_meeting(actor, meeting))
    if meeting.signed_off:
        raise DomainError("The minutes are signed off: attendance changes by amendment")
    members = {m.pk: m for m in meeting.members.all()}
    errors: dict[str, list[str]] = {}
    for member_id, value in marks.items():
        if member_id not in members:
            errors.setdefault("__all__", []).append(f"No member {member_id} at this meeting")
        elif value not in Attendance.values:
            errors[f"member_{member_id}"] = ["Choose present, apologies or absent"]
    _raise(errors)
    changed = []
    for member_id, value in marks.items():
        member = members[member_id]
        if member.attendance != value:
            member.attendance = value
            _by(actor, member)
            member.save(update_fields=["attendance"])
            changed.append(member)
    return changed


@transaction.atomic
def discussion_record(
    *, actor: User, item: AgendaItem, data: Mapping[str, Any], version: int | None = None
) -> Discussion:
    """Record (or correct, before sign-off) what the panel agreed about a child: the risk
    level, the plan, disruption opportunities, evidence to collect, the decision, and (staying
    on MACE) when to review them."""
    meeting = item.meeting
    _recording(actor, meeting)
    if item.removed_at is not None:
        raise DomainError("This child was taken off the agenda")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {name: _text(data.get(name)) for name in DISCUSSION_FIELDS}
    if values["agreed_level"] not in RiskLevel.values:
        errors["agreed_level"] = ["Choose the risk level the panel agreed"]
    if not values["plan"]:
        errors["plan"] = ["Enter the plan the panel agreed"]
    if values["decision"] not in Decision.values:
        errors["decision"] = ["Choose the decision: stay on MACE, step down or close"]
    review_by = data.get("review_by") or None
    if values["decision"] != Decision.STAY:
        review_by = None  # only a child who stays on MACE is reviewed
    elif problem := event_date_problem(review_by, name="Review date"):
        errors["review_by"] = [problem]
    elif review_by is not None and review_by <= timezone.localdate(meeting.starts_at):
        errors["review_by"] = ["The review date must be after the meeting"]
    _raise(errors)
    values["review_by"] = review_by
    existing = Discussion.objects.filter(item=item).first()
    if existing is None:
        discussion = Discussion(item=item, recorded_by=actor, **values)
        _by(actor, discussion)
        discussion.save()
    else:
        if version is None:
            raise DomainError(
                {"version": ["This discussion is already recorded: send its version"]}
            )
        changes = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if not changes:
            require_version(existing, version)
            discussion = existing
        else:
            discussion = save_versioned(
                Discussion, existing.pk, version, history_user=actor, **changes
            )
    _mark_held(actor, meeting)
    return discussion


@transaction.atomic
def threat_add(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    record: Record | None = None,
    discussion: str = "",
) -> Threat:
    """Put a threat on a part 2 meeting (before it or at it)."""
    require(policy.can_run_meeting(actor, meeting))
    errors: dict[str, list[str]] = {}
    if meeting.is_part_1:
        errors["__all__"] = ["Threats are discussed at part 2 meetings"]
    elif meeting.signed_off or meeting.status == MeetingStatus.CANCELLED:
        errors["__all__"] = ["The minutes are signed off: they change only by amendment"]
    if record is not None and not policy.can_view_intelligence(actor, record):
        errors["record"] = ["No such record"]
    title = _text(title) or (str(record) if record is not None else "")
    if not title:
        errors["title"] = ["Enter what the threat is, or choose its record"]
    _raise(errors)
    position = (meeting.threats.aggregate(top=Max("position"))["top"] or 0) + 1
    threat = Threat(
        meeting=meeting,
        record=record,
        title=title[:200],
        discussion=_text(discussion),
        position=position,
        added_by=actor,
    )
    _by(actor, threat)
    threat.save()
    if threat.discussion:
        _mark_held(actor, meeting)
    return threat


@transaction.atomic
def threat_update(*, actor: User, threat: Threat, version: int, discussion: str) -> Threat:
    """Record what the panel concluded about a threat."""
    _recording(actor, threat.meeting)
    errors: dict[str, list[str]] = {}
    text = _required_text(errors, "discussion", discussion, "Enter what the panel concluded")
    _raise(errors)
    saved = save_versioned(Threat, threat.pk, version, history_user=actor, discussion=text)
    _mark_held(actor, threat.meeting)
    return saved


@transaction.atomic
def meeting_notes_update(
    *, actor: User, meeting: Meeting, version: int, changes: Mapping[str, Any]
) -> Meeting:
    """The general minutes, and for part 2 the themes for the Stay Safe groups and training."""
    _recording(actor, meeting)
    allowed = {"notes", "stay_safe_themes", "training_themes"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError({name: ["This cannot be changed here"] for name in sorted(unknown)})
    if meeting.is_part_1 and {"stay_safe_themes", "training_themes"} & set(changes):
        raise DomainError("Themes for Stay Safe groups and training belong to part 2")
    values = {k: _text(v) for k, v in changes.items() if _text(v) != getattr(meeting, k)}
    if not values:
        require_version(meeting, version)
        return meeting
    return save_versioned(Meeting, meeting.pk, version, history_user=actor, **values)
