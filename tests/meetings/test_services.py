"""The meetings services: each one's happy path (what is saved, the history kept, who is told, the
decisions written to the children's chronologies at sign-off) and every refusal (the wrong
quadrant's panel, a coordinator who is not a chair signing off, a frozen agenda, a child with no
decision, a due date in the past, an owner outside the owner agency, an amendment before
sign-off, a stale version)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mace.accounts.choices import Role
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.core.models import Notification
from mace.meetings import selectors, services
from mace.meetings.choices import (
    ActionStatus,
    AgendaReason,
    Attendance,
    Decision,
    MeetingPart,
    MeetingStatus,
)
from mace.meetings.models import Action, ActionUpdate, AgendaItem, Discussion, Meeting
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from mace.reference.models import Area, Quadrant
from tests.assessments import completed
from tests.factories import ChildFactory, UserFactory, agency
from tests.intelligence import location
from tests.meetings import BASILDON_DC, DISCUSSED, a_meeting, frozen_with, panel_member, today


def in_two_weeks() -> dt.date:
    return today() + dt.timedelta(days=14)


@pytest.fixture
def runner(csc):  # type: ignore[no-untyped-def]
    """The South panel's co-chair and coordinator, in children's social care."""
    return panel_member(csc)


@pytest.fixture
def north_panel(csc):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="north-panel",
        agency=csc,
        quadrant=Quadrant.objects.get(code="north"),
        roles=[Role.MACE_CHAIR, Role.MACE_COORDINATOR],
    )


@pytest.fixture
def coordinator(csc):  # type: ignore[no-untyped-def]
    """South's coordinator, who is not a chair."""
    return UserFactory(
        username="south-coordinator",
        agency=csc,
        quadrant=Quadrant.objects.get(code="south"),
        roles=[Role.MACE_COORDINATOR],
    )


def in_south(child: Any) -> Any:
    child.area = Area.objects.get(code="basildon")
    child.save()
    return child


def decided(actor: Any, child: Any, *, days: int, **data: Any) -> Meeting:
    """A signed-off part 1 meeting that discussed the child (with DISCUSSED changed by data)."""
    meeting, item = frozen_with(actor, child, days=days)
    services.discussion_record(actor=actor, item=item, data=DISCUSSED | data)
    meeting.refresh_from_db()
    return services.minutes_sign_off(actor=actor, meeting=meeting, version=meeting.version)


def an_action(actor: Any, meeting: Any, **fields: Any) -> Action:
    values: dict[str, Any] = {
        "description": "Arrange a joint visit (fictional).",
        "owner_agency": agency(BASILDON_DC),
        "due_on": in_two_weeks(),
    } | fields
    return services.action_create(actor=actor, meeting=meeting, **values)


# Scheduling ------------------------------------------------------------------------------------


def test_scheduling_saves_the_meeting_with_its_panel_as_first_members_and_history(runner, chair):
    starts_at = timezone.now() + dt.timedelta(days=9)
    meeting = services.meeting_schedule(
        actor=runner,
        quadrant=Quadrant.objects.get(code="south"),
        part=MeetingPart.PART_1,
        starts_at=starts_at,
    )
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at == starts_at
    assert meeting.place == "Online"  # the cadence's place
    assert meeting.coordinator == runner and meeting.created_by == runner
    assert set(meeting.chairs.all()) == {runner, chair}
    assert {m.user for m in meeting.members.all()} == {runner, chair}
    assert {h.history_user for h in meeting.history.all()} == {runner}


def test_only_the_quadrants_panel_schedules_its_meetings(north_panel, chair, bob):
    south = Quadrant.objects.get(code="south")
    starts_at = timezone.now() + dt.timedelta(days=9)
    for outsider in (north_panel, bob):
        with pytest.raises(Refused):
            services.meeting_schedule(
                actor=outsider, quadrant=south, part=MeetingPart.PART_1, starts_at=starts_at
            )
    assert not Meeting.objects.exists()


def test_scheduling_refuses_the_past_a_second_meeting_that_day_and_a_bad_part(runner):
    south = Quadrant.objects.get(code="south")
    with pytest.raises(DomainError) as past:
        services.meeting_schedule(
            actor=runner,
            quadrant=south,
            part=MeetingPart.PART_1,
            starts_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert "past" in past.value.errors["starts_at"][0]
    with pytest.raises(DomainError) as no_date:
        services.meeting_schedule(actor=runner, quadrant=south, part=3, starts_at=None)
    assert set(no_date.value.errors) == {"part", "starts_at"}
    first = a_meeting(runner, days=5)
    with pytest.raises(DomainError) as twice:
        services.meeting_schedule(
            actor=runner,
            quadrant=south,
            part=MeetingPart.PART_1,
            starts_at=timezone.localtime(first.starts_at).replace(hour=8, minute=30),
        )
    assert "already has a part 1 meeting" in twice.value.errors["starts_at"][0]
    assert Meeting.objects.count() == 1


def test_a_meeting_is_cancelled_with_a_reason_only_before_its_agenda_freezes(runner, child):
    meeting = a_meeting(runner)
    with pytest.raises(DomainError) as no_reason:
        services.meeting_cancel(actor=runner, meeting=meeting, version=meeting.version, reason="")
    assert "reason" in no_reason.value.errors
    cancelled = services.meeting_cancel(
        actor=runner, meeting=meeting, version=meeting.version, reason="Chair unwell (fictional)"
    )
    assert cancelled.status == MeetingStatus.CANCELLED and "Chair unwell" in cancelled.notes
    frozen, _ = frozen_with(runner, child, days=12)
    with pytest.raises(DomainError):
        services.meeting_cancel(actor=runner, meeting=frozen, version=frozen.version, reason="x")


# Members and attendance ------------------------------------------------------------------------


def test_members_are_added_as_users_or_named_guests_and_their_agencies_invited(runner, alice):
    meeting = a_meeting(runner)
    guest = services.member_add(
        actor=runner, meeting=meeting, agency=agency(BASILDON_DC), name="Hortensia Wobblegate"
    )
    user_member = services.member_add(actor=runner, meeting=meeting, agency=None, user=alice)
    assert (user_member.name, user_member.agency) == (alice.display_name, alice.agency)
    assert guest.history.get().history_user == runner
    assert set(meeting.invited_agencies.all()) == {agency(BASILDON_DC), alice.agency}
    with pytest.raises(DomainError) as twice:
        services.member_add(
            actor=runner, meeting=meeting, agency=agency(BASILDON_DC), name="hortensia wobblegate"
        )
    assert "already on the list" in twice.value.errors["name"][0]
    with pytest.raises(DomainError) as nothing:
        services.member_add(actor=runner, meeting=meeting, agency=None, name="")
    assert set(nothing.value.errors) == {"agency", "name"}


def test_only_the_panel_adds_members(runner, north_panel, alice):
    meeting = a_meeting(runner)
    with pytest.raises(Refused):
        services.member_add(actor=north_panel, meeting=meeting, agency=None, user=alice)
    with pytest.raises(Refused):
        services.member_add(actor=alice, meeting=meeting, agency=None, user=alice)
    assert not meeting.members.filter(user=alice).exists()


def test_attendance_is_recorded_with_history_and_refused_once_signed_off(runner, child):
    meeting, item = frozen_with(runner, child)
    guest = services.member_add(
        actor=runner, meeting=meeting, agency=agency(BASILDON_DC), name="Hortensia Wobblegate"
    )
    me = meeting.members.get(user=runner)
    changed = services.attendance_record(
        actor=runner,
        meeting=meeting,
        marks={guest.pk: Attendance.APOLOGIES, me.pk: Attendance.PRESENT},
    )
    assert {m.pk for m in changed} == {guest.pk, me.pk}
    guest.refresh_from_db()
    assert guest.attendance == Attendance.APOLOGIES
    assert [h.attendance for h in guest.history.order_by("history_date")] == [
        Attendance.INVITED,
        Attendance.APOLOGIES,
    ]
    assert services.attendance_record(actor=runner, meeting=meeting, marks={me.pk: "present"}) == []
    with pytest.raises(DomainError) as bad:
        services.attendance_record(
            actor=runner, meeting=meeting, marks={guest.pk: "asleep", 99999: "present"}
        )
    assert f"member_{guest.pk}" in bad.value.errors and "__all__" in bad.value.errors
    services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    meeting.refresh_from_db()
    signed = services.minutes_sign_off(actor=runner, meeting=meeting, version=meeting.version)
    with pytest.raises(DomainError):
        services.attendance_record(actor=runner, meeting=signed, marks={me.pk: "absent"})


# The agenda: suggestions from the criteria -----------------------------------------------------


def test_a_child_newly_meeting_the_criteria_is_suggested_as_newly_eligible(runner, alice, child):
    completed(alice, in_south(child), level="high")
    meeting = a_meeting(runner)
    assert selectors.agenda_suggestions(meeting) == {child.pk: [AgendaReason.NEWLY_ELIGIBLE]}
    # A child in another quadrant is not this panel's.
    other = ChildFactory(involved=[alice.agency])
    other.area = Area.objects.get(code="colchester")
    other.save()
    completed(alice, other, level="high")
    assert other.pk not in selectors.agenda_suggestions(meeting)


def test_a_child_the_panel_kept_on_mace_is_due_for_review_and_a_closed_one_is_not(
    runner, child, csc
):
    closed = ChildFactory(involved=[csc])
    decided(runner, child, days=3)
    decided(runner, closed, days=4, decision=Decision.CLOSE)
    later = a_meeting(runner, days=30)
    assert selectors.agenda_suggestions(later) == {child.pk: [AgendaReason.DUE_REVIEW]}


def test_a_review_date_keeps_a_child_off_agendas_until_it_comes(runner, child):
    meeting_day = timezone.localdate() + dt.timedelta(days=3)
    review_by = meeting_day + dt.timedelta(days=56)
    decided(runner, child, days=3, review_by=review_by)
    discussion = Discussion.objects.get(item__child=child)
    assert discussion.review_by == review_by
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.MACE_DECISION)
    assert f"Review from: {review_by:%d %B %Y}" in entry.body
    next_month = a_meeting(runner, days=33)
    assert child.pk not in selectors.agenda_suggestions(next_month)
    in_two_months = a_meeting(runner, days=62)
    assert selectors.agenda_suggestions(in_two_months) == {child.pk: [AgendaReason.DUE_REVIEW]}


def test_a_review_date_must_follow_the_meeting_and_only_a_child_who_stays_has_one(
    runner, child, csc
):
    meeting, item = frozen_with(runner, child)
    with pytest.raises(DomainError) as refused:
        services.discussion_record(
            actor=runner, item=item, data=DISCUSSED | {"review_by": timezone.localdate()}
        )
    assert refused.value.errors == {"review_by": ["The review date must be after the meeting"]}
    assert not Discussion.objects.exists()
    stepped = services.discussion_record(
        actor=runner,
        item=item,
        data=DISCUSSED
        | {"decision": Decision.STEP_DOWN, "review_by": today() + dt.timedelta(days=90)},
    )
    assert stepped.review_by is None


def test_risk_rose_after_a_higher_completed_assessment_since_the_last_meeting(
    runner, alice, child, csc
):
    earlier = decided(runner, child, days=3, agreed_level="medium")
    lower = ChildFactory(involved=[csc])
    decided(runner, lower, days=4, agreed_level="medium")
    # The meetings took place last week.
    Meeting.objects.filter(pk__in=[earlier.pk]).update(
        starts_at=timezone.now() - dt.timedelta(days=8)
    )
    Meeting.objects.exclude(pk=earlier.pk).update(starts_at=timezone.now() - dt.timedelta(days=7))
    completed(alice, child, level="high")
    completed(alice, lower, level="low", rationale="Vulnerable only (fictional).", factors=["21"])
    meeting = a_meeting(runner, days=10)
    suggested = selectors.agenda_suggestions(meeting)
    assert suggested[child.pk] == [AgendaReason.DUE_REVIEW, AgendaReason.RISK_ROSE]
    assert suggested[lower.pk] == [AgendaReason.DUE_REVIEW]


def test_overdue_actions_are_suggested_and_carried_forward_when_the_agenda_freezes(
    runner, child, csc
):
    meeting, item = frozen_with(runner, child, days=3, place="Room 1")
    services.discussion_record(actor=runner, item=item, data=DISCUSSED | {"decision": "close"})
    overdue = an_action(runner, meeting, item=item, owner_agency=csc)
    done = an_action(runner, meeting, item=item, owner_agency=overdue.owner_agency)
    services.action_update_add(
        actor=runner, action=done, version=done.version, status="done", note="Visited (fictional)"
    )
    meeting.refresh_from_db()
    services.minutes_sign_off(actor=runner, meeting=meeting, version=meeting.version)
    # The next meeting falls after the action's due date.
    later = a_meeting(runner, days=40)
    assert selectors.agenda_suggestions(later) == {child.pk: [AgendaReason.OVERDUE_ACTIONS]}
    services.agenda_draft(actor=runner, meeting=later)
    frozen = services.agenda_freeze(actor=runner, meeting=later, version=later.version)
    assert list(frozen.carried_actions.all()) == [overdue]


def test_suggestions_take_the_same_queries_for_few_or_many_eligible_children(
    runner, alice, csc, django_assert_max_num_queries
):
    def eligible(count: int) -> None:
        for _ in range(count):
            completed(alice, in_south(ChildFactory(involved=[csc])), level="high")

    eligible(2)
    meeting = a_meeting(runner, days=20)
    with django_assert_max_num_queries(5):
        few = selectors.agenda_suggestions(meeting)
    eligible(10)
    with django_assert_max_num_queries(5):
        many = selectors.agenda_suggestions(meeting)
    assert (len(few), len(many)) == (2, 12)


# The agenda: drafting and editing --------------------------------------------------------------


def test_drafting_is_idempotent_and_a_removed_child_stays_removed(runner, alice, child, csc):
    other = in_south(ChildFactory(involved=[csc]))
    for c in (in_south(child), other):
        completed(alice, c, level="high")
    meeting = a_meeting(runner)
    first = services.agenda_draft(actor=runner, meeting=meeting)
    assert (first.added, first.updated) == (2, 0)
    items = list(meeting.agenda_items.order_by("position"))
    assert [i.reasons for i in items] == [[AgendaReason.NEWLY_ELIGIBLE]] * 2
    assert [i.position for i in items] == [1, 2] and items[0].added_by == runner
    assert services.agenda_draft(actor=runner, meeting=meeting) == services.Drafted(0, 0)
    assert meeting.agenda_items.count() == 2
    removed = services.agenda_item_remove(
        actor=runner, item=items[0], reason="Already discussed at the strategy meeting"
    )
    assert removed.removed_at is not None
    assert services.agenda_draft(actor=runner, meeting=meeting) == services.Drafted(0, 0)
    removed.refresh_from_db()
    assert removed.removed_at is not None and removed.removed_reason.startswith("Already")


def test_a_child_added_by_hand_keeps_the_reason_through_a_redraft(runner, alice, child):
    meeting = a_meeting(runner)
    item = services.agenda_item_add(
        actor=runner, meeting=meeting, child=child, detail="School worried (fictional)"
    )
    assert item.reasons == [AgendaReason.ADDED] and item.detail.startswith("School")
    assert item.history.get().history_user == runner
    completed(alice, in_south(child), level="high")
    assert services.agenda_draft(actor=runner, meeting=meeting) == services.Drafted(0, 1)
    item.refresh_from_db()
    assert item.reasons == [AgendaReason.NEWLY_ELIGIBLE, AgendaReason.ADDED]
    with pytest.raises(DomainError) as twice:
        services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    assert "already on this agenda" in twice.value.errors["child"][0]


def test_a_child_the_coordinator_cannot_see_is_not_added(runner, police):
    unseen = ChildFactory(involved=[police])
    meeting = a_meeting(runner)
    with pytest.raises(DomainError) as refused:
        services.agenda_item_add(actor=runner, meeting=meeting, child=unseen)
    assert "child" in refused.value.errors
    assert not meeting.agenda_items.exists()


def test_removing_needs_a_reason_and_a_removed_child_can_come_back(runner, child):
    meeting = a_meeting(runner)
    item = services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    with pytest.raises(DomainError) as no_reason:
        services.agenda_item_remove(actor=runner, item=item, reason=" ")
    assert "reason" in no_reason.value.errors
    services.agenda_item_remove(actor=runner, item=item, reason="Moved away (fictional)")
    with pytest.raises(DomainError):
        services.agenda_item_remove(actor=runner, item=item, reason="Again")
    back = services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    assert back.pk == item.pk and back.removed_at is None and back.removed_reason == ""


def test_children_move_up_and_down_the_agenda(runner, csc):
    meeting = a_meeting(runner)
    first, second, third = (
        services.agenda_item_add(actor=runner, meeting=meeting, child=ChildFactory(involved=[csc]))
        for _ in range(3)
    )
    services.agenda_item_move(actor=runner, item=third, up=True)
    assert list(meeting.agenda_items.values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    services.agenda_item_move(actor=runner, item=first, up=False)
    services.agenda_item_move(actor=runner, item=second, up=False)  # already last: no change
    assert list(meeting.agenda_items.values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]


def test_a_frozen_agenda_cannot_change(runner, child, csc):
    meeting, item = frozen_with(runner, child)
    other = ChildFactory(involved=[csc])
    attempts = [
        lambda: services.agenda_draft(actor=runner, meeting=meeting),
        lambda: services.agenda_item_add(actor=runner, meeting=meeting, child=other),
        lambda: services.agenda_item_remove(actor=runner, item=item, reason="Late change"),
        lambda: services.agenda_item_move(actor=runner, item=item, up=True),
        lambda: services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError):
            attempt()
    assert list(meeting.agenda_items.values_list("child_id", "removed_at")) == [(child.pk, None)]


def test_a_part_2_agenda_has_threats_not_children(runner, child):
    meeting = a_meeting(runner, part=MeetingPart.PART_2)
    with pytest.raises(DomainError):
        services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    with pytest.raises(DomainError) as empty:
        services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    assert "threat" in str(empty.value)


def test_another_quadrants_panel_cannot_edit_the_agenda(runner, north_panel, child):
    meeting = a_meeting(runner)
    item = services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    for attempt in (
        lambda: services.agenda_draft(actor=north_panel, meeting=meeting),
        lambda: services.agenda_item_add(actor=north_panel, meeting=meeting, child=child),
        lambda: services.agenda_item_remove(actor=north_panel, item=item, reason="No"),
        lambda: services.agenda_item_move(actor=north_panel, item=item, up=False),
        lambda: services.agenda_freeze(actor=north_panel, meeting=meeting, version=1),
    ):
        with pytest.raises(Refused):
            attempt()


def test_freezing_sends_the_pack_to_members_who_may_read_it(runner, child, alice, district):
    meeting = a_meeting(runner)
    services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    services.member_add(actor=runner, meeting=meeting, agency=None, user=alice)
    services.member_add(actor=runner, meeting=meeting, agency=None, user=district)
    frozen = services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    assert frozen.status == MeetingStatus.AGENDA_FROZEN and frozen.agenda_frozen_by == runner
    assert frozen.version == meeting.version + 1
    told = Notification.objects.filter(kind="mace_agenda")
    # The district officer does not read a part 1 pack (it names children); the runner froze it.
    assert [n.recipient for n in told] == [alice]
    assert told.get().url == f"/meetings/{meeting.pk}/"


def test_freezing_an_empty_agenda_or_a_stale_copy_is_refused(runner, child):
    meeting = a_meeting(runner)
    with pytest.raises(DomainError) as empty:
        services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    assert "at least one child" in str(empty.value)
    services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)  # someone saved
    with pytest.raises(ConflictError):
        services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


# At the meeting ----------------------------------------------------------------------------------


def test_a_discussion_is_recorded_corrected_by_version_and_marks_the_meeting_held(runner, child):
    meeting, item = frozen_with(runner, child)
    discussion = services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    assert (discussion.decision, discussion.agreed_level) == ("stay", "high")
    assert discussion.recorded_by == runner
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    with pytest.raises(DomainError) as no_version:
        services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    assert "version" in no_version.value.errors
    corrected = services.discussion_record(
        actor=runner, item=item, data=DISCUSSED | {"agreed_level": "medium"}, version=1
    )
    assert corrected.agreed_level == "medium" and corrected.version == 2
    assert [h.agreed_level for h in corrected.history.order_by("history_date")] == [
        "high",
        "medium",
    ]
    with pytest.raises(ConflictError):
        services.discussion_record(
            actor=runner, item=item, data=DISCUSSED | {"plan": "Another (fictional)"}, version=1
        )
    assert Discussion.objects.get().plan == DISCUSSED["plan"]


def test_a_discussion_needs_a_level_a_plan_and_a_decision_and_a_frozen_agenda(runner, child):
    meeting = a_meeting(runner)
    item = services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    with pytest.raises(DomainError) as early:
        services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    assert "Freeze the agenda" in str(early.value)
    meeting = services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    item.refresh_from_db()
    with pytest.raises(DomainError) as bad:
        services.discussion_record(
            actor=runner, item=item, data={"agreed_level": "dire", "decision": "maybe"}
        )
    assert set(bad.value.errors) == {"agreed_level", "plan", "decision"}
    assert not Discussion.objects.exists()


def test_threats_are_added_to_part_2_named_from_their_record_and_concluded(runner, alice):
    hotel = location(alice)
    meeting = a_meeting(runner, part=MeetingPart.PART_2)
    threat = services.threat_add(actor=runner, meeting=meeting, title="", record=hotel.record)
    assert threat.title == str(hotel.record) and threat.position == 1
    second = services.threat_add(actor=runner, meeting=meeting, title="Parties at a flat")
    assert second.position == 2 and second.history.get().history_user == runner
    with pytest.raises(DomainError) as untitled:
        services.threat_add(actor=runner, meeting=meeting, title=" ")
    assert "title" in untitled.value.errors
    with pytest.raises(DomainError):  # concluded only at the meeting
        services.threat_update(actor=runner, threat=threat, version=1, discussion="Agreed")
    frozen = services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    threat.refresh_from_db()
    concluded = services.threat_update(
        actor=runner, threat=threat, version=threat.version, discussion="Licensing visit agreed"
    )
    assert concluded.discussion == "Licensing visit agreed" and concluded.version == 2
    with pytest.raises(ConflictError):
        services.threat_update(actor=runner, threat=threat, version=1, discussion="Other")
    with pytest.raises(DomainError):
        services.threat_update(actor=runner, threat=concluded, version=2, discussion="")
    frozen.refresh_from_db()
    assert frozen.status == MeetingStatus.HELD


def test_a_part_1_meeting_has_no_threats_and_outsiders_add_none(runner, north_panel):
    part_1 = a_meeting(runner)
    with pytest.raises(DomainError):
        services.threat_add(actor=runner, meeting=part_1, title="A threat")
    part_2 = a_meeting(runner, part=MeetingPart.PART_2)
    with pytest.raises(Refused):
        services.threat_add(actor=north_panel, meeting=part_2, title="A threat")


def test_notes_and_themes_are_written_at_the_meeting_by_version(runner, child):
    meeting = a_meeting(runner, part=MeetingPart.PART_2)
    services.threat_add(actor=runner, meeting=meeting, title="Parties at a flat")
    meeting = services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    saved = services.meeting_notes_update(
        actor=runner,
        meeting=meeting,
        version=meeting.version,
        changes={"notes": "AOB: none", "stay_safe_themes": "Online gaming chats"},
    )
    assert (saved.notes, saved.stay_safe_themes) == ("AOB: none", "Online gaming chats")
    assert saved.history.first().history_user == runner
    with pytest.raises(ConflictError):
        services.meeting_notes_update(
            actor=runner, meeting=meeting, version=meeting.version, changes={"notes": "Stale"}
        )
    with pytest.raises(DomainError) as unknown:
        services.meeting_notes_update(
            actor=runner, meeting=saved, version=saved.version, changes={"status": "held"}
        )
    assert "status" in unknown.value.errors
    part_1, _ = frozen_with(runner, child, days=9)
    with pytest.raises(DomainError):
        services.meeting_notes_update(
            actor=runner,
            meeting=part_1,
            version=part_1.version,
            changes={"training_themes": "Not here"},
        )


# Actions -----------------------------------------------------------------------------------------


def test_an_action_about_a_child_is_saved_and_its_agencys_managers_told(
    runner, child, csc, manager, alice
):
    meeting, item = frozen_with(runner, child)
    action = an_action(runner, meeting, item=item, owner_agency=csc)
    assert (action.child, action.owner_agency, action.due_on) == (child, csc, in_two_weeks())
    assert action.status == ActionStatus.OPEN and action.created_by == runner
    assert action.history.get().history_user == runner
    told = Notification.objects.filter(kind="mace_action")
    assert [n.recipient for n in told] == [manager]  # not the practitioner, not the runner
    assert told.get().url == f"/meetings/actions/{action.pk}/"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_an_action_with_a_named_owner_tells_that_person(runner, child, district):
    meeting, _ = frozen_with(runner, child)
    action = an_action(runner, meeting, owner=district)
    assert action.owner == district
    assert [n.recipient for n in Notification.objects.filter(kind="mace_action")] == [district]


def test_an_action_due_in_the_past_or_owned_outside_its_agency_is_refused(
    runner, child, alice, csc
):
    meeting, item = frozen_with(runner, child)
    with pytest.raises(DomainError) as past:
        an_action(runner, meeting, due_on=today() - dt.timedelta(days=1))
    assert "past" in past.value.errors["due_on"][0]
    with pytest.raises(DomainError) as owner:
        an_action(runner, meeting, owner=alice)  # alice works for CSC, not the council
    assert "does not work for" in owner.value.errors["owner"][0]
    with pytest.raises(DomainError) as empty:
        services.action_create(
            actor=runner, meeting=meeting, description="", owner_agency=None, due_on=None
        )
    assert set(empty.value.errors) == {"description", "owner_agency", "due_on"}
    other, other_item = frozen_with(runner, ChildFactory(involved=[csc]), days=11)
    with pytest.raises(DomainError) as elsewhere:
        an_action(runner, meeting, item=other_item)
    assert "item" in elsewhere.value.errors
    assert not Action.objects.exists()


def test_actions_are_given_only_at_the_meeting_by_its_panel(runner, north_panel, child):
    meeting = a_meeting(runner)
    with pytest.raises(DomainError):
        an_action(runner, meeting)
    frozen, _ = frozen_with(runner, child, days=12)
    with pytest.raises(Refused):
        an_action(north_panel, frozen)


def test_the_owner_agency_updates_its_action_with_history(runner, child, district, bob):
    meeting, _ = frozen_with(runner, child)
    action = an_action(runner, meeting)
    update = services.action_update_add(
        actor=district,
        action=action,
        version=action.version,
        status=ActionStatus.IN_PROGRESS,
        note="Licensing visit booked (fictional).",
    )
    assert (update.author, update.agency, update.status) == (
        district,
        agency(BASILDON_DC),
        ActionStatus.IN_PROGRESS,
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.version == 2
    assert action.history.first().history_user == district
    # A note that leaves the status as it is keeps the version.
    services.action_update_add(
        actor=district, action=action, version=2, status="in_progress", note="Visit done"
    )
    with pytest.raises(ConflictError):
        services.action_update_add(
            actor=district, action=action, version=1, status="done", note="All done"
        )
    with pytest.raises(DomainError) as bad:
        services.action_update_add(actor=district, action=action, version=2, status="x", note="")
    assert set(bad.value.errors) == {"status", "note"}
    with pytest.raises(Refused):  # the police are not the owner agency
        services.action_update_add(
            actor=bob, action=action, version=2, status="done", note="Not ours"
        )
    assert ActionUpdate.objects.count() == 2


def test_actions_for_lists_the_open_actions_of_the_users_agency(runner, child, district):
    meeting, _ = frozen_with(runner, child)
    first = an_action(runner, meeting, due_on=today() + dt.timedelta(days=20))
    soon = an_action(runner, meeting, due_on=today() + dt.timedelta(days=5))
    done = an_action(runner, meeting)
    services.action_update_add(
        actor=district, action=done, version=done.version, status="done", note="Done"
    )
    assert list(selectors.actions_for(district)) == [soon, first]


# Minutes -----------------------------------------------------------------------------------------


def test_signing_off_writes_each_decision_to_the_childs_chronology(runner, child, csc):
    other = ChildFactory(involved=[csc])
    meeting, item = frozen_with(runner, child)
    services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    meeting.refresh_from_db()
    signed = services.minutes_sign_off(actor=runner, meeting=meeting, version=meeting.version)
    assert signed.status == MeetingStatus.SIGNED_OFF and signed.signed_off_by == runner
    assert signed.signed_off_at is not None
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.MACE_DECISION)
    assert entry.title == f"{signed}: Stay on MACE"
    assert "Risk level agreed: High" in entry.body and DISCUSSED["plan"] in entry.body
    assert "Hotel information notice" in entry.body
    assert (entry.author, entry.agency, entry.occurred_at) == (runner, csc, meeting.starts_at)
    assert Discussion.objects.get(item=item).chronology_entry == entry
    assert not ChronologyEntry.objects.filter(child=other, kind=EntryKind.MACE_DECISION).exists()
    assert signed.history.first().history_user == runner


def test_sign_off_is_refused_while_a_child_has_no_decision_naming_the_child(runner, child, csc):
    meeting = a_meeting(runner)
    undecided = ChildFactory(forename="Quillon", surname="Undecidedly", involved=[csc])
    first = services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    services.agenda_item_add(actor=runner, meeting=meeting, child=undecided)
    meeting = services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    first.refresh_from_db()
    services.discussion_record(actor=runner, item=first, data=DISCUSSED)
    meeting.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.minutes_sign_off(actor=runner, meeting=meeting, version=meeting.version)
    assert "Quillon Undecidedly" in str(refused.value)
    assert child.full_name not in str(refused.value)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert not ChronologyEntry.objects.filter(kind=EntryKind.MACE_DECISION).exists()


def test_only_a_chair_signs_off_and_not_a_stale_or_unheld_meeting(
    runner, coordinator, north_panel, child
):
    scheduled = a_meeting(runner, days=20)
    with pytest.raises(DomainError):
        services.minutes_sign_off(actor=runner, meeting=scheduled, version=scheduled.version)
    meeting, item = frozen_with(runner, child)
    services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    meeting.refresh_from_db()
    for not_a_chair in (coordinator, north_panel):
        with pytest.raises(Refused):
            services.minutes_sign_off(actor=not_a_chair, meeting=meeting, version=meeting.version)
    with pytest.raises(ConflictError):
        services.minutes_sign_off(actor=runner, meeting=meeting, version=meeting.version - 1)
    assert not ChronologyEntry.objects.filter(kind=EntryKind.MACE_DECISION).exists()
    signed = services.minutes_sign_off(actor=runner, meeting=meeting, version=meeting.version)
    with pytest.raises(DomainError):
        services.minutes_sign_off(actor=runner, meeting=signed, version=signed.version)


def test_signed_off_minutes_change_only_by_amendment(runner, coordinator, child):
    signed = decided(runner, child, days=3)
    item = AgendaItem.objects.get(meeting=signed)
    with pytest.raises(DomainError) as closed:
        services.discussion_record(
            actor=runner, item=item, data=DISCUSSED | {"plan": "New"}, version=1
        )
    assert "amendment" in str(closed.value)
    with pytest.raises(DomainError):
        services.meeting_notes_update(
            actor=runner, meeting=signed, version=signed.version, changes={"notes": "Later"}
        )
    with pytest.raises(Refused):
        services.minutes_amend(actor=coordinator, meeting=signed, text="x", reason="y")
    with pytest.raises(DomainError) as empty:
        services.minutes_amend(actor=runner, meeting=signed, text="", reason="")
    assert set(empty.value.errors) == {"text", "reason"}
    amendment = services.minutes_amend(
        actor=runner,
        meeting=signed,
        text="The plan is fortnightly visits (fictional).",
        reason="Typing error in the minutes",
    )
    assert (amendment.meeting, amendment.author) == (signed, runner)
    assert list(signed.amendments.all()) == [amendment]


def test_an_amendment_before_sign_off_is_refused(runner, child):
    meeting, item = frozen_with(runner, child)
    services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    with pytest.raises(DomainError) as refused:
        services.minutes_amend(actor=runner, meeting=meeting, text="New", reason="Why")
    assert "not signed off" in refused.value.errors["__all__"][0]
    assert not meeting.amendments.exists()
