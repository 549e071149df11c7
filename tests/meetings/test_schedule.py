"""`uv run mace schedule_meetings [--months N]` puts each quadrant's meetings in the diary by its
cadence (part 1 monthly, part 2 every other month by default), once: running it again makes
none. An administrator edits the cadence in the admin, with history, and the next run follows."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from mace.meetings.choices import MeetingPart
from mace.meetings.models import Meeting, MeetingCadence
from mace.meetings.services import cadence_for
from mace.reference.models import Quadrant
from tests.factories import UserFactory


def schedule(*args: str) -> str:
    out = StringIO()
    call_command("schedule_meetings", *args, stdout=out)
    return out.getvalue()


def months_of(quadrant: str, part: int) -> list[int]:
    """The month numbers (year * 12 + month - 1) of the quadrant's meetings of that part."""
    return sorted(
        m.starts_at.year * 12 + m.starts_at.month - 1
        for m in Meeting.objects.filter(quadrant__code=quadrant, part=part)
    )


def test_it_schedules_the_coming_months_once_and_says_how_many(db):
    first = schedule("--months", "3")
    made = Meeting.objects.count()
    assert made >= 4 * 2  # at least two months' part 1 meetings in every quadrant
    assert first.strip() == f"Scheduled {made} MACE meeting(s) for the next 3 month(s)"
    assert schedule("--months", "3").startswith("Scheduled 0 MACE meeting(s)")
    assert Meeting.objects.count() == made


def test_by_default_part_1_is_monthly_and_part_2_every_other_month_on_the_second_wednesday(db):
    schedule("--months", "12")
    today = timezone.localdate()
    for quadrant in Quadrant.objects.all():
        part_1 = months_of(quadrant.code, MeetingPart.PART_1)
        part_2 = months_of(quadrant.code, MeetingPart.PART_2)
        assert len(part_1) in (11, 12) and len(set(part_1)) == len(part_1)
        assert len(part_2) in (5, 6)
        assert all(later - earlier == 2 for earlier, later in zip(part_2, part_2[1:], strict=False))
        assert set(part_2) <= set(part_1)
        for meeting in Meeting.objects.filter(quadrant=quadrant):
            local = timezone.localtime(meeting.starts_at)
            assert local.weekday() == 2 and 8 <= local.day <= 14 and local.date() >= today
            assert local.time() == (dt.time(10) if meeting.is_part_1 else dt.time(14))
            assert meeting.place == "Online"


def test_a_cadence_edited_in_the_admin_changes_what_is_scheduled(client, db):
    south = Quadrant.objects.get(code="south")
    cadence = cadence_for(south)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:meetings_meetingcadence_change", args=[cadence.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "quadrant": south.pk,
            "part_1_every_months": "1",
            "part_2_every_months": "1",
            "weekday": "0",
            "week_of_month": "1",
            "part_1_time": "09:30",
            "part_2_time": "13:00",
            "place": "Basildon Centre, Room 4 (fictional)",
        },
    )
    assert response.status_code == 302
    cadence.refresh_from_db()
    assert (cadence.part_2_every_months, cadence.weekday) == (1, 0)
    assert cadence.history.first().history_user == admin
    assert client.get(reverse("admin:meetings_meetingcadence_changelist")).status_code == 200

    schedule("--months", "6")
    assert months_of("south", MeetingPart.PART_2) == months_of("south", MeetingPart.PART_1)
    for meeting in Meeting.objects.filter(quadrant=south):
        local = timezone.localtime(meeting.starts_at)
        assert local.weekday() == 0 and local.day <= 7
        assert meeting.place.startswith("Basildon Centre")
    north_part_2 = months_of("north", MeetingPart.PART_2)
    assert len(north_part_2) < len(months_of("north", MeetingPart.PART_1))


def test_a_run_after_the_cadence_changes_adds_only_the_months_without_their_meeting(db):
    schedule("--months", "6")
    before = {part: months_of("west", part) for part in (MeetingPart.PART_1, MeetingPart.PART_2)}
    MeetingCadence.objects.filter(quadrant__code="west").update(part_2_every_months=1)
    output = schedule("--months", "6")
    added = len(before[MeetingPart.PART_1]) - len(before[MeetingPart.PART_2])
    assert output.startswith(f"Scheduled {added} MACE meeting(s)")
    assert months_of("west", MeetingPart.PART_1) == before[MeetingPart.PART_1]
    assert months_of("west", MeetingPart.PART_2) == before[MeetingPart.PART_1]


def test_it_refuses_a_silly_number_of_months(db):
    with pytest.raises(CommandError, match="--months"):
        schedule("--months", "0")
    assert not Meeting.objects.exists()


def test_it_runs_with_the_periodic_sweeps(db, settings):
    assert "schedule_meetings" in settings.MACE_PERIODIC_COMMANDS
    out = StringIO()
    call_command("periodic", "--only", "schedule_meetings", stdout=out)
    assert "schedule_meetings: Scheduled" in out.getvalue()
    assert Meeting.objects.exists()
