"""Who reads and runs MACE meetings and works on their actions (mace/access/policy/meetings.py): the
quadrant's panel runs its meetings and only a chair signs them off; a part 1 pack names children,
so a district council officer reads part 2 only; an action is read and updated by its owner
agency and the panel, and names the child only to someone who may see that child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mace.access import policy
from mace.accounts.choices import Role
from mace.meetings import services
from mace.meetings.choices import MeetingPart
from mace.meetings.models import Action, Meeting
from mace.reference.models import Quadrant
from tests.factories import UserFactory, agency
from tests.meetings import BASILDON_DC, DISCUSSED, a_meeting, frozen_with, panel_member, today

COLCHESTER_CSP = "Colchester Community Safety Partnership"


@pytest.fixture
def runner(csc):  # type: ignore[no-untyped-def]
    return panel_member(csc)


@pytest.fixture
def north_chair(police):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="north-chair",
        agency=police,
        quadrant=Quadrant.objects.get(code="north"),
        roles=[Role.MACE_CHAIR],
    )


@pytest.fixture
def coordinator(csc):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="south-coordinator",
        agency=csc,
        quadrant=Quadrant.objects.get(code="south"),
        roles=[Role.MACE_COORDINATOR],
    )


@pytest.fixture
def colchester(db):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="colchester", agency=agency(COLCHESTER_CSP), roles=[Role.DISTRICT_OFFICER]
    )


def visible(user: Any) -> set[int]:
    return set(policy.scope_meetings(user, Meeting.objects.all()).values_list("pk", flat=True))


def actions_seen(user: Any) -> set[int]:
    return set(policy.scope_actions(user, Action.objects.all()).values_list("pk", flat=True))


def test_the_quadrants_panel_runs_its_meetings_and_only_a_chair_signs_them_off(
    runner, coordinator, chair, north_chair, alice
):
    meeting = a_meeting(runner)
    assert policy.can_run_meeting(runner, meeting) and policy.can_sign_off_minutes(runner, meeting)
    assert policy.can_run_meeting(coordinator, meeting)
    assert not policy.can_sign_off_minutes(coordinator, meeting)
    assert policy.can_sign_off_minutes(chair, meeting)
    for outsider in (north_chair, alice, None):
        assert not policy.can_run_meeting(outsider, meeting)
        assert not policy.can_sign_off_minutes(outsider, meeting)


def test_a_part_1_meeting_is_invisible_to_a_district_officer_member_and_part_2_visible(
    runner, district
):
    part_1 = a_meeting(runner)
    part_2 = a_meeting(runner, part=MeetingPart.PART_2, days=8)
    for meeting in (part_1, part_2):
        services.member_add(actor=runner, meeting=meeting, agency=None, user=district)
    assert visible(district) == {part_2.pk}
    assert not policy.can_view_meeting(district, part_1)
    assert policy.can_view_meeting(district, part_2)


def test_a_district_officer_who_is_not_a_member_sees_no_meeting(runner, district):
    a_meeting(runner, part=MeetingPart.PART_2)
    assert visible(district) == set()


def test_members_who_see_case_content_read_the_part_1_pack_they_were_asked_to(
    runner, alice, bob, manager
):
    asked = a_meeting(runner)
    other = a_meeting(runner, days=8)
    services.member_add(actor=runner, meeting=asked, agency=None, user=alice)
    assert visible(alice) == {asked.pk}
    assert visible(bob) == set() and visible(manager) == set()
    assert not policy.can_view_meeting(alice, other)


def test_the_panel_reads_its_own_quadrants_meetings_only(
    runner, coordinator, north_chair, board, admin_user
):
    meetings = {a_meeting(runner).pk, a_meeting(runner, part=MeetingPart.PART_2, days=8).pk}
    assert visible(runner) == meetings and visible(coordinator) == meetings
    assert visible(north_chair) == set()
    assert visible(board) == set() and visible(admin_user) == set()


@pytest.fixture
def actions(runner, child, csc):  # type: ignore[no-untyped-def]
    """An action about the child for CSC, and one for Basildon District Council."""
    meeting, item = frozen_with(runner, child)
    services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    due = today() + dt.timedelta(days=14)
    for_csc = services.action_create(
        actor=runner, meeting=meeting, description="Visit", owner_agency=csc, due_on=due, item=item
    )
    for_council = services.action_create(
        actor=runner,
        meeting=meeting,
        description="Check the flat's tenancy (fictional).",
        owner_agency=agency(BASILDON_DC),
        due_on=due,
        item=item,
    )
    return for_csc, for_council


def test_the_owner_agencys_district_officer_sees_its_action_and_other_agencies_do_not(
    actions, district, colchester, bob, board, admin_user
):
    for_csc, for_council = actions
    assert actions_seen(district) == {for_council.pk}
    assert policy.can_view_action(district, for_council)
    assert policy.can_update_action(district, for_council)
    assert not policy.can_view_action(district, for_csc)
    for outsider in (colchester, bob, board, admin_user):
        assert actions_seen(outsider) == set()
        assert not policy.can_update_action(outsider, for_council)


def test_the_owner_agencys_case_workers_and_the_panel_see_its_actions(
    actions, alice, runner, north_chair
):
    for_csc, for_council = actions
    assert actions_seen(alice) == {for_csc.pk}
    assert actions_seen(runner) == {for_csc.pk, for_council.pk}
    assert actions_seen(north_chair) == set()


def test_an_action_names_the_child_only_to_someone_who_may_see_the_child(
    actions, district, alice, runner
):
    for_csc, for_council = actions
    assert not policy.action_names_child(district, for_council)
    assert policy.action_names_child(alice, for_csc)
    assert policy.action_names_child(runner, for_council)
    Action.objects.filter(pk=for_council.pk).update(child=None)
    for_council.refresh_from_db()
    assert not policy.action_names_child(runner, for_council)
