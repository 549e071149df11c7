"""The demo data set's MACE meetings: a year of part 1 (monthly) and part 2 (every other month)
meetings in every quadrant, minutes signed off with the decisions on the children's
chronologies, actions for partner agencies and district councils (some overdue), part 2 threats
on the quadrant's intelligence records, and next month's meetings with drafted agendas."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from mace.access import policy
from mace.accounts.models import User
from mace.criteria.models import Eligibility
from mace.demo.accounts import PASSWORD_ENV
from mace.meetings import selectors
from mace.meetings.choices import ActionStatus, AgendaReason, Attendance, MeetingStatus
from mace.meetings.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Discussion,
    Meeting,
    MeetingMember,
    Threat,
)
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from mace.reference.models import Quadrant

TODAY = date(2025, 6, 30)
OPEN = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def seed() -> str:
    out = StringIO()
    call_command(
        "seed_demo", "--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat(), stdout=out
    )
    return out.getvalue()


@pytest.fixture
def tiny(db):  # type: ignore[no-untyped-def]
    return seed()


def test_every_quadrant_has_a_year_of_signed_off_part_1_and_part_2_meetings(tiny):
    assert "MACE meetings" in tiny and "MACE actions" in tiny
    past = Meeting.objects.filter(starts_at__date__lt=TODAY)
    assert not past.exclude(status=MeetingStatus.SIGNED_OFF).exists()
    counts = Counter(past.values_list("quadrant__code", "part"))
    for quadrant in Quadrant.objects.values_list("code", flat=True):
        assert 11 <= counts[(quadrant, 1)] <= 13, quadrant
        assert 5 <= counts[(quadrant, 2)] <= 7, quadrant
    for meeting in past.prefetch_related("chairs"):
        assert meeting.signed_off_by in meeting.chairs.all()
        assert meeting.starts_at < meeting.signed_off_at
        assert meeting.signed_off_at.date() < TODAY
        assert meeting.coordinator is not None


def test_members_attend_and_some_send_apologies(tiny):
    marks = Counter(
        MeetingMember.objects.filter(meeting__status=MeetingStatus.SIGNED_OFF).values_list(
            "attendance", flat=True
        )
    )
    assert marks[Attendance.PRESENT] > 5 * marks[Attendance.APOLOGIES] / 2
    assert marks[Attendance.APOLOGIES] > 0 and marks[Attendance.INVITED] == 0
    # District councils are asked to part 2, where threats in their districts are discussed.
    assert MeetingMember.objects.filter(
        meeting__part=2, agency__type="district_council", user__username="demo.district"
    ).exists()
    assert not MeetingMember.objects.filter(meeting__part=1, agency__type="district_council")


def test_signed_off_decisions_are_on_the_childrens_chronologies(tiny):
    items = AgendaItem.objects.filter(meeting__status=MeetingStatus.SIGNED_OFF)
    assert items.exists() and not items.filter(discussion__isnull=True).exists()
    discussions = Discussion.objects.select_related("item__meeting", "chronology_entry")
    entries = ChronologyEntry.objects.filter(kind=EntryKind.MACE_DECISION)
    assert entries.count() == discussions.count() == items.count()
    for discussion in discussions:
        entry = discussion.chronology_entry
        assert entry is not None and entry.kind == EntryKind.MACE_DECISION
        assert entry.child_id == discussion.item.child_id
        assert entry.occurred_at == discussion.item.meeting.starts_at
        assert entry.title.startswith(str(discussion.item.meeting))
    reasons = Counter(r for item in items for r in item.reasons)
    assert reasons[AgendaReason.NEWLY_ELIGIBLE] and reasons[AgendaReason.DUE_REVIEW]
    # The children meeting the criteria came to their quadrant's panel, or are on next month's
    # drafted agenda.
    for child_id, quadrant_id in Eligibility.objects.values_list("child_id", "quadrant_id"):
        on = AgendaItem.objects.filter(child_id=child_id, meeting__quadrant_id=quadrant_id)
        assert quadrant_id is None or on.exists()


def test_actions_are_done_in_progress_or_overdue_and_district_councils_own_some(tiny):
    statuses = Counter(Action.objects.values_list("status", flat=True))
    assert statuses[ActionStatus.DONE] and statuses[ActionStatus.IN_PROGRESS]
    assert statuses[ActionStatus.OPEN]
    assert Action.objects.filter(status__in=OPEN, due_on__lt=TODAY).exists()
    assert Action.objects.filter(owner_agency__type="district_council").exists()
    assert not Action.objects.filter(created_at__date__gt=TODAY).exists()
    done = Action.objects.filter(status=ActionStatus.DONE)
    assert not done.filter(updates__isnull=True).exists()
    assert ActionUpdate.objects.filter(status=ActionStatus.IN_PROGRESS).exists()
    assert Action.objects.filter(threat__isnull=False, meeting__part=2).exists()
    assert Action.objects.filter(child__isnull=False, meeting__part=1).exists()
    assert Meeting.carried_actions.through.objects.exists()


def test_the_demo_district_officer_has_open_actions_to_work_on(tiny):
    officer = User.objects.get(username="demo.district")
    theirs = list(selectors.actions_for(officer))
    assert theirs and all(a.owner_agency_id == officer.agency_id for a in theirs)
    assert any(a.due_on >= TODAY for a in theirs) and any(a.due_on < TODAY for a in theirs)
    assert all(policy.can_update_action(officer, a) for a in theirs)


def test_part_2_threats_are_on_records_in_the_quadrants_areas_with_themes(tiny):
    threats = Threat.objects.filter(meeting__status=MeetingStatus.SIGNED_OFF)
    linked = threats.filter(record__isnull=False).select_related("record__area", "meeting")
    assert linked.exists()
    for threat in linked:
        assert threat.record is not None and threat.record.area is not None
        assert threat.record.area.quadrant_id == threat.meeting.quadrant_id
        assert threat.discussion
    part_2 = Meeting.objects.filter(part=2, status=MeetingStatus.SIGNED_OFF)
    assert not part_2.filter(stay_safe_themes="").exists()
    assert not part_2.filter(training_themes="").exists()


def test_next_months_meetings_are_scheduled_with_agendas_drafted_not_frozen(tiny):
    coming = Meeting.objects.filter(starts_at__date__gte=TODAY)
    assert coming.exists() and set(coming.values_list("status", flat=True)) == {"scheduled"}
    assert not coming.filter(agenda_frozen_at__isnull=False).exists()
    for quadrant in Quadrant.objects.all():
        part_1 = coming.get(quadrant=quadrant, part=1)
        assert part_1.starts_at.date().month == 7
        assert part_1.agenda_items.exists(), quadrant
        assert all(item.reasons for item in part_1.agenda_items.all())


def test_seeding_again_adds_no_meetings(tiny):
    meetings, actions = Meeting.objects.count(), Action.objects.count()
    assert "already loaded" in seed()
    assert (Meeting.objects.count(), Action.objects.count()) == (meetings, actions)
