"""Scheduling MACE meetings: by hand (a quadrant's chairs and coordinator) or ahead by each
quadrant's cadence (`mace schedule_meetings`), cancelling one before its agenda freezes, and asking
someone to a meeting (a user or a named guest of an agency)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mace.access import policy
from mace.core.bounds import event_date_problem
from mace.core.concurrency import save_versioned
from mace.core.errors import require
from mace.meetings import selectors
from mace.meetings.choices import Attendance, MeetingPart, MeetingStatus
from mace.meetings.models import Meeting, MeetingCadence, MeetingMember, nth_weekday
from mace.meetings.services._common import _by, _raise, _required_text, _text

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.reference.models import Agency, Quadrant

__all__ = [
    "meeting_schedule",
    "cadence_for",
    "nth_weekday",  # mace.meetings.models.nth_weekday, where the cadence's arithmetic lives
    "meetings_due",
    "meetings_schedule_ahead",
    "meeting_cancel",
    "member_add",
]


def _new_meeting(
    *,
    quadrant: Quadrant,
    part: int,
    starts_at: dt.datetime,
    place: str,
    created_by: User | None,
    invited_agencies: Iterable[Agency] = (),
) -> Meeting:
    chairs, coordinator = selectors.quadrant_panel(quadrant)
    meeting = Meeting(
        quadrant=quadrant,
        part=part,
        starts_at=starts_at,
        place=place,
        coordinator=coordinator,
        created_by=created_by,
    )
    if created_by is not None:
        _by(created_by, meeting)
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
    """The quadrant's cadence, made with the defaults the first time it is needed."""
    cadence, _ = MeetingCadence.objects.get_or_create(quadrant=quadrant)
    return cadence


def meetings_due(
    quadrant: Quadrant, *, today: dt.date, months: int
) -> list[tuple[int, dt.datetime]]:
    """(part, start) of each meeting the quadrant's cadence puts in the coming months, from today
    on (MeetingCadence.meetings_due)."""
    return cadence_for(quadrant).meetings_due(today=today, months=months)


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
    _by(actor, member)
    member.save()
    meeting.invited_agencies.add(agency)
    return member
