"""Writes for MACE meetings: scheduling, the part 1 agenda (drafted from the MACE criteria,
edited and frozen by the coordinator), attendance, discussions and decisions, part 2 threats and
themes, actions and their updates, and the minutes (signed off by a chair, then amended only by
a recorded amendment).

Every function takes the acting user, asks the access policy (Refused when it says no),
refuses bad input with DomainError (field errors) and a stale copy with ConflictError."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from mace.access import policy
from mace.accounts.choices import Role
from mace.assessments.choices import AssessmentStatus, RiskLevel
from mace.core.bounds import event_date_problem
from mace.core.concurrency import require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.core.notifications import notify
from mace.meetings.choices import (
    ActionStatus,
    AgendaReason,
    Attendance,
    Decision,
    MeetingPart,
    MeetingStatus,
)
from mace.meetings.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Discussion,
    Meeting,
    MeetingCadence,
    MeetingMember,
    MinutesAmendment,
    Threat,
)
from mace.people.choices import EntryKind, InvolvementReason

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.intelligence.models import Record
    from mace.people.models import Child
    from mace.reference.models import Agency, Quadrant

LEVEL_RANK: dict[str, int] = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}
# The statuses in which a meeting records what it discussed and decided.
RECORDING = (MeetingStatus.AGENDA_FROZEN, MeetingStatus.HELD)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _required_text(errors: dict[str, list[str]], field: str, value: Any, message: str) -> str:
    text = _text(value)
    if not text:
        errors.setdefault(field, []).append(message)
    return text


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainError(errors)


# --- scheduling --------------------------------------------------------------------------------


def _panel(quadrant: Quadrant) -> tuple[list[User], User | None]:
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


def _new_meeting(
    *,
    quadrant: Quadrant,
    part: int,
    starts_at: dt.datetime,
    place: str,
    created_by: User | None,
    invited_agencies: Iterable[Agency] = (),
) -> Meeting:
    chairs, coordinator = _panel(quadrant)
    meeting = Meeting(
        quadrant=quadrant,
        part=part,
        starts_at=starts_at,
        place=place,
        coordinator=coordinator,
        created_by=created_by,
    )
    if created_by is not None:
        meeting._history_user = created_by  # type: ignore[attr-defined]
    meeting.save()
    meeting.chairs.set(chairs)
    meeting.invited_agencies.set(list(invited_agencies))
    for user in [*chairs, *([coordinator] if coordinator else [])]:
        if user.agency_id is not None:
            MeetingMember.objects.get_or_create(
                meeting=meeting,
                agency_id=user.agency_id,
                name=user.display_name,
                defaults={"user": user},
            )
    return meeting


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    quadrant: Quadrant,
    part: int,
    starts_at: dt.datetime | None,
    place: str = "",
    invited_agencies: Iterable[Agency] = (),
) -> Meeting:
    """Schedule a meeting of the quadrant's panel (its chairs and coordinator are its first
    members)."""
    require(
        policy.can_run_meetings(actor, quadrant.pk),
        "Only the quadrant's MACE chairs and coordinator schedule its meetings",
    )
    errors: dict[str, list[str]] = {}
    if part not in MeetingPart.values:
        errors["part"] = ["Choose part 1 or part 2"]
    if starts_at is None:
        errors["starts_at"] = ["Enter the date and time the meeting starts"]
    elif problem := event_date_problem(starts_at, name="The date of the meeting"):
        errors["starts_at"] = [problem]
    elif starts_at < timezone.now():
        errors["starts_at"] = ["A meeting cannot be scheduled in the past"]
    elif (
        Meeting.objects.filter(
            quadrant=quadrant, part=part, starts_at__date=timezone.localdate(starts_at)
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .exists()
    ):
        errors["starts_at"] = [f"{quadrant} already has a part {part} meeting on that day"]
    _raise(errors)
    assert starts_at is not None
    return _new_meeting(
        quadrant=quadrant,
        part=part,
        starts_at=starts_at,
        place=_text(place) or cadence_for(quadrant).place,
        created_by=actor,
        invited_agencies=invited_agencies,
    )


def cadence_for(quadrant: Quadrant) -> MeetingCadence:
    cadence, _ = MeetingCadence.objects.get_or_create(quadrant=quadrant)
    return cadence


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th such weekday of the month (the last one when the month has fewer)."""
    days = [
        day
        for day in calendar.Calendar().itermonthdates(year, month)
        if day.month == month and day.weekday() == weekday
    ]
    return days[min(n, len(days)) - 1]


def _months_from(today: dt.date, count: int) -> list[tuple[int, int]]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append((year, month))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


def meetings_due(
    quadrant: Quadrant, *, today: dt.date, months: int
) -> list[tuple[int, dt.datetime]]:
    """(part, start) of each meeting the cadence puts in the coming months, from today on."""
    cadence = cadence_for(quadrant)
    due = []
    for year, month in _months_from(today, months):
        index = year * 12 + month - 1
        day = nth_weekday(year, month, cadence.weekday, cadence.week_of_month)
        if day < today:
            continue
        for part, every, at in (
            (MeetingPart.PART_1, cadence.part_1_every_months, cadence.part_1_time),
            (MeetingPart.PART_2, cadence.part_2_every_months, cadence.part_2_time),
        ):
            if every and index % every == 0:
                starts_at = timezone.make_aware(dt.datetime.combine(day, at))
                due.append((int(part), starts_at))
    return due


@transaction.atomic
def meetings_schedule_ahead(*, today: dt.date | None = None, months: int = 3) -> int:
    """Put every quadrant's meetings for the coming months in the diary, by its cadence; a month
    that already has its meeting of that part is left as it is. Answers how many were made."""
    from mace.reference.models import Quadrant

    today = today or timezone.localdate()
    made = 0
    for quadrant in Quadrant.objects.order_by("code"):
        for part, starts_at in meetings_due(quadrant, today=today, months=months):
            exists = Meeting.objects.filter(
                quadrant=quadrant,
                part=part,
                starts_at__year=starts_at.year,
                starts_at__month=starts_at.month,
            ).exists()
            if not exists:
                _new_meeting(
                    quadrant=quadrant,
                    part=part,
                    starts_at=starts_at,
                    place=cadence_for(quadrant).place,
                    created_by=None,
                )
                made += 1
    return made


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, version: int, reason: str) -> Meeting:
    require(policy.can_run_meeting(actor, meeting))
    errors: dict[str, list[str]] = {}
    _required_text(errors, "reason", reason, "Say why the meeting is cancelled")
    if meeting.status != MeetingStatus.SCHEDULED:
        errors.setdefault("__all__", []).append(
            "Only a meeting whose agenda is not yet frozen can be cancelled"
        )
    _raise(errors)
    return save_versioned(
        Meeting,
        meeting.pk,
        version,
        history_user=actor,
        status=MeetingStatus.CANCELLED,
        notes=f"Cancelled: {_text(reason)}",
    )


# --- members and attendance --------------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    actor: User,
    meeting: Meeting,
    agency: Agency | None,
    name: str = "",
    user: User | None = None,
    attendance: str = Attendance.INVITED,
) -> MeetingMember:
    """Ask someone to the meeting: a user of the platform, or a named guest of an agency."""
    require(policy.can_run_meeting(actor, meeting))
    errors: dict[str, list[str]] = {}
    if meeting.signed_off or meeting.status == MeetingStatus.CANCELLED:
        errors["__all__"] = ["The minutes of this meeting are closed"]
    if user is not None:
        agency = user.agency
        name = name or user.display_name
    if agency is None:
        errors["agency"] = ["Choose the agency the person comes from"]
    name = _required_text(errors, "name", name, "Enter the person's name")
    if attendance not in Attendance.values:
        errors["attendance"] = ["Choose whether they were present or sent apologies"]
    if (
        agency is not None
        and name
        and MeetingMember.objects.filter(meeting=meeting, agency=agency, name__iexact=name).exists()
    ):
        errors["name"] = [f"{name} of {agency} is already on the list"]
    _raise(errors)
    assert agency is not None
    member = MeetingMember(
        meeting=meeting, user=user, agency=agency, name=name, attendance=attendance
    )
    member._history_user = actor  # type: ignore[attr-defined]
    member.save()
    meeting.invited_agencies.add(agency)
    return member


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
            member._history_user = actor  # type: ignore[attr-defined]
            member.save(update_fields=["attendance"])
            changed.append(member)
    return changed


# --- the part 1 agenda -------------------------------------------------------------------------


@dataclass(frozen=True)
class Drafted:
    added: int
    updated: int


def _previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            quadrant_id=meeting.quadrant_id, part=meeting.part, starts_at__lt=meeting.starts_at
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


def overdue_actions(meeting: Meeting) -> Any:
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

    previous = _previous_meeting(meeting)
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
    suggestions = agenda_suggestions(meeting)
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
            item._history_user = actor  # type: ignore[attr-defined]
            item.save()
            added += 1
        elif item.removed_at is None:
            merged = reasons + [r for r in item.reasons if r == AgendaReason.ADDED]
            if set(merged) != set(item.reasons):
                item.reasons = merged
                item._history_user = actor  # type: ignore[attr-defined]
                item.save(update_fields=["reasons"])
                updated += 1
    return Drafted(added=added, updated=updated)


def _agenda_order(entry: tuple[int, list[str]]) -> tuple[int, int]:
    """Risen risk first, then the newly eligible, then reviews; within each, by child."""
    child_id, reasons = entry
    rank = {
        AgendaReason.RISK_ROSE: 0,
        AgendaReason.NEWLY_ELIGIBLE: 1,
        AgendaReason.OVERDUE_ACTIONS: 2,
        AgendaReason.DUE_REVIEW: 3,
    }
    return min(rank.get(r, 9) for r in reasons), child_id  # type: ignore[call-overload]


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
    item._history_user = actor  # type: ignore[attr-defined]
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
    item._history_user = actor  # type: ignore[attr-defined]
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
                other._history_user = actor  # type: ignore[attr-defined]
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
    frozen.carried_actions.set(list(overdue_actions(frozen)))
    members = [m.user for m in frozen.members.select_related("user") if m.user is not None]
    notify(
        recipients=[u for u in members if u.pk != actor.pk and policy.can_view_meeting(u, frozen)],
        kind="mace_agenda",
        message=f"The agenda for {frozen} is ready",
        url=f"/meetings/{frozen.pk}/",
    )
    return frozen


# --- at the meeting ----------------------------------------------------------------------------


def _recording(actor: User, meeting: Meeting) -> None:
    require(policy.can_run_meeting(actor, meeting))
    if meeting.status not in RECORDING:
        if meeting.signed_off:
            raise DomainError("The minutes are signed off: they change only by amendment")
        raise DomainError("Freeze the agenda before recording the meeting")


DISCUSSION_FIELDS = (
    "agreed_level",
    "plan",
    "disruption_opportunities",
    "evidence_to_collect",
    "decision",
)


def _mark_held(actor: User, meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.AGENDA_FROZEN:
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
        meeting.status = MeetingStatus.HELD


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
        discussion._history_user = actor  # type: ignore[attr-defined]
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
    threat._history_user = actor  # type: ignore[attr-defined]
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


# --- actions -----------------------------------------------------------------------------------


def _action_recipients(action: Action) -> list[User]:
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
    action._history_user = actor  # type: ignore[attr-defined]
    action.save()
    _mark_held(actor, meeting)
    notify(
        recipients=[u for u in _action_recipients(action) if u.pk != actor.pk],
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


# --- minutes -----------------------------------------------------------------------------------


def _decision_entry_body(discussion: Discussion) -> str:
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
            body=_decision_entry_body(discussion),
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


def actions_for(user: User) -> Any:
    """The open actions this user's agency owns (or the user does), soonest due first."""
    return (
        policy.scope_actions(user, Action.objects.all())
        .filter(Q(owner_agency_id=user.agency_id) | Q(owner_id=user.pk))
        .filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        .select_related("meeting__quadrant", "owner_agency", "owner")
        .order_by("due_on", "id")
    )


# --- For the demo data set (mace.demo.meetings), which writes signed-off minutes in bulk ------


def decision_entry_body(discussion: Discussion) -> str:
    """The body of a MACE decision's chronology entry, as `minutes_sign_off` writes it."""
    return _decision_entry_body(discussion)
