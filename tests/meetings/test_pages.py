"""The meetings pages through real HTTP: the coordinator's agenda work, the chair's discussion,
actions, sign-off and PDF, the owner agency's action page, refusals, bad input and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mace.access.models import AccessEvent, ExportEvent
from mace.accounts.choices import Role
from mace.meetings import services
from mace.meetings.choices import ActionStatus, AgendaReason, MeetingStatus
from mace.meetings.models import Action, ActionUpdate, AgendaItem, Discussion
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from tests.api import signed_in
from tests.assessments import completed
from tests.factories import ChildFactory, UserFactory, agency
from tests.intelligence import words
from tests.meetings import BASILDON_DC, DISCUSSED, a_meeting, frozen_with, panel_member, today


def _in_south(child):  # type: ignore[no-untyped-def]
    from mace.reference.models import Area

    child.area = Area.objects.get(code="basildon")
    child.save()
    return child


@pytest.fixture
def runner(csc):  # type: ignore[no-untyped-def]
    return panel_member(csc)


@pytest.fixture
def coordinator_only(csc):  # type: ignore[no-untyped-def]
    from mace.reference.models import Quadrant

    return UserFactory(
        username="coordinator-only",
        agency=csc,
        quadrant=Quadrant.objects.get(code="south"),
        roles=[Role.MACE_COORDINATOR],
    )


def _date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


# --- the coordinator's agenda ---------------------------------------------------------------------


def test_the_coordinator_drafts_the_agenda_from_the_mace_criteria(runner, alice, child):
    _in_south(child)
    completed(alice, child, level="high", rationale="Known to be exploited (fictional).")
    meeting = a_meeting(runner)
    client = signed_in(runner)
    response = client.post(reverse("meetings:agenda_draft", args=[meeting.pk]), follow=True)
    assert response.status_code == 200
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.child == child
    assert item.reasons == [AgendaReason.NEWLY_ELIGIBLE]
    page = words(response.content.decode())
    assert "Zephyrine Testington" in page
    assert "Newly meets the MACE criteria" in page
    # Drafting again adds nobody twice.
    client.post(reverse("meetings:agenda_draft", args=[meeting.pk]))
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_the_coordinator_finds_and_adds_a_child_then_takes_them_off_with_a_reason(runner, child):
    meeting = a_meeting(runner)
    client = signed_in(runner)
    url = reverse("meetings:agenda_add", args=[meeting.pk])
    found = client.get(url, {"q": "Testington"})
    assert "Zephyrine Testington" in words(found.content.decode())
    response = client.post(url, {"child": child.pk})
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting, child=child)
    assert item.reasons == [AgendaReason.ADDED]

    remove = reverse("meetings:agenda_remove", args=[meeting.pk, item.pk])
    refused = client.post(remove, {"reason": "  "})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    item.refresh_from_db()
    assert item.removed_at is None
    client.post(remove, {"reason": "Stepped down by the single-agency plan (fictional)"})
    item.refresh_from_db()
    assert item.removed_at is not None
    # A child the coordinator cannot see is not found, and cannot be added by id.
    stranger = ChildFactory(forename="Hidden", surname="Outofsight")
    client.post(url, {"child": stranger.pk})
    assert not AgendaItem.objects.filter(meeting=meeting, child=stranger).exists()


def test_freezing_the_agenda_from_an_old_copy_is_refused_and_changes_nothing(runner, child):
    meeting = a_meeting(runner)
    services.agenda_item_add(actor=runner, meeting=meeting, child=child)
    client = signed_in(runner)
    url = reverse("meetings:agenda_freeze", args=[meeting.pk])
    response = client.post(url, {"version": meeting.version + 5})
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    client.post(url, {"version": meeting.version})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_FROZEN
    # A frozen agenda cannot change.
    response = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {"child": child.pk}, follow=True
    )
    assert "frozen" in response.content.decode()


def test_an_empty_agenda_cannot_be_frozen(runner):
    meeting = a_meeting(runner)
    response = signed_in(runner).post(
        reverse("meetings:agenda_freeze", args=[meeting.pk]), {"version": meeting.version}
    )
    assert "Put at least one child on the agenda" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


# --- at the meeting, and after ---------------------------------------------------------------


def test_the_chair_records_a_discussion_an_action_and_signs_the_minutes_off(
    runner, child, district
):
    meeting, item = frozen_with(runner, child)
    client = signed_in(runner)
    discussion_url = reverse("meetings:discussion", args=[meeting.pk, item.pk])
    refused = client.post(discussion_url, {"agreed_level": "high", "plan": ""})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Enter plan" in page and "Choose the decision" in page
    assert not Discussion.objects.exists()
    client.post(discussion_url, DISCUSSED)
    assert Discussion.objects.get(item=item).decision == "stay"

    action_url = reverse("meetings:action_add", args=[meeting.pk])
    bad = client.post(
        action_url,
        {
            "description": "Check the hotel register (fictional)",
            "owner_agency": "",
            **_date_fields("due_on", today() - dt.timedelta(days=1)),
            "about": item.pk,
        },
    )
    assert "Choose the agency that owns the action" in bad.content.decode()
    assert not Action.objects.exists()
    client.post(
        action_url,
        {
            "description": "Check the hotel register (fictional)",
            "owner_agency": agency(BASILDON_DC).pk,
            **_date_fields("due_on", today() + dt.timedelta(days=14)),
            "about": item.pk,
        },
    )
    action = Action.objects.get()
    assert action.child == child and action.owner_agency.name == BASILDON_DC
    assert district.notifications.filter(kind="mace_action").exists()

    meeting.refresh_from_db()
    response = client.post(
        reverse("meetings:sign_off", args=[meeting.pk]), {"version": meeting.version}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED_OFF
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.MACE_DECISION)
    assert "Stay on MACE" in entry.title and "Weekly joint visits" in entry.body

    pdf = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    export = ExportEvent.objects.get()
    assert export.child_ids == [child.pk] and export.format == "pdf"

    # After sign-off the minutes change only by amendment.
    again = client.post(discussion_url, {**DISCUSSED, "plan": "Rewritten (fictional)"})
    assert "signed off" in again.content.decode()
    amend_url = reverse("meetings:amend", args=[meeting.pk])
    assert (
        "Enter why they change"
        in client.post(amend_url, {"text": "Corrected", "reason": ""}).content.decode()
    )
    client.post(amend_url, {"text": "The visit is fortnightly (fictional).", "reason": "Typo"})
    assert meeting.amendments.count() == 1


def test_only_a_chair_signs_the_minutes_off(runner, coordinator_only, child):
    meeting, item = frozen_with(runner, child)
    services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    meeting.refresh_from_db()
    response = signed_in(coordinator_only).post(
        reverse("meetings:sign_off", args=[meeting.pk]), {"version": meeting.version}
    )
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status != MeetingStatus.SIGNED_OFF


def test_sign_off_names_every_child_still_without_a_decision(runner, child):
    meeting, _ = frozen_with(runner, child)
    response = signed_in(runner).post(
        reverse("meetings:sign_off", args=[meeting.pk]), {"version": meeting.version}
    )
    assert "Zephyrine Testington" in response.content.decode()
    assert not ChronologyEntry.objects.filter(kind=EntryKind.MACE_DECISION).exists()


# --- actions for other agencies -------------------------------------------------------------------


def test_a_district_officer_works_on_their_action_but_never_sees_the_child(runner, child, district):
    meeting, item = frozen_with(runner, child)
    action = services.action_create(
        actor=runner,
        meeting=meeting,
        description="Visit the takeaway with licensing (fictional)",
        owner_agency=agency(BASILDON_DC),
        due_on=today() + dt.timedelta(days=7),
        item=item,
    )
    client = signed_in(district)
    listing = words(client.get(reverse("meetings:action_list")).content.decode())
    assert "Visit the takeaway with licensing" in listing
    detail_url = reverse("meetings:action_detail", args=[action.pk])
    page = words(client.get(detail_url).content.decode())
    assert "A child discussed at MACE (not shown" in page
    assert "Testington" not in page
    bad = client.post(detail_url, {"version": action.version, "status": "done", "note": ""})
    assert "Enter what has been done" in bad.content.decode()
    assert not ActionUpdate.objects.exists()
    client.post(
        detail_url,
        {"version": action.version, "status": "in_progress", "note": "Visit booked (fictional)"},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert ActionUpdate.objects.get().agency == district.agency
    # The child's page and the part 1 meeting stay closed to them, and the refusal is logged.
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 404
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert AccessEvent.objects.filter(user=district, child=child, outcome="refused").exists()
    # Their dashboard shows the action.
    dashboard = words(client.get(reverse("dashboard:home")).content.decode())
    assert "Visit the takeaway with licensing" in dashboard


def test_another_agency_gets_404_for_the_action(runner, child, bob):
    meeting, item = frozen_with(runner, child)
    action = services.action_create(
        actor=runner,
        meeting=meeting,
        description="Fictional action",
        owner_agency=runner.agency,
        due_on=today() + dt.timedelta(days=7),
    )
    client = signed_in(bob)
    assert client.get(reverse("meetings:action_detail", args=[action.pk])).status_code == 404
    response = client.post(
        reverse("meetings:action_detail", args=[action.pk]),
        {"version": action.version, "status": "done", "note": "Not mine (fictional)"},
    )
    assert response.status_code == 404
    assert not ActionUpdate.objects.exists()


def test_the_mace_list_says_when_a_child_is_on_an_agenda(runner, alice, child):
    from tests.api import API

    _in_south(child)
    completed(alice, child, level="high", rationale="Known to be exploited (fictional).")
    client = signed_in(runner)
    before = client.get(f"{API}/mace/eligible?quadrant=south").json()
    assert [row["on_agenda"] for row in before["items"]] == [False]
    meeting = a_meeting(runner)
    services.agenda_draft(actor=runner, meeting=meeting)
    after = client.get(f"{API}/mace/eligible?quadrant=south").json()
    assert [row["on_agenda"] for row in after["items"]] == [True]


# --- queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("children", [1, 6])
def test_the_meeting_page_runs_a_fixed_number_of_queries(
    runner, csc, children, django_assert_max_num_queries
):
    meeting = a_meeting(runner)
    for n in range(children):
        child = ChildFactory(forename=f"Agendum{n}", surname="Fictionalby", involved=[csc])
        item = services.agenda_item_add(actor=runner, meeting=meeting, child=child)
        if n % 2 == 0:
            services.agenda_item_move(actor=runner, item=item, up=True)
    meeting = services.agenda_freeze(actor=runner, meeting=meeting, version=meeting.version)
    for item in meeting.agenda_items.all():
        services.discussion_record(actor=runner, item=item, data=DISCUSSED)
        services.action_create(
            actor=runner,
            meeting=meeting,
            description="Fictional action",
            owner_agency=csc,
            due_on=today() + dt.timedelta(days=7),
            item=item,
        )
    client = signed_in(runner)
    url = reverse("meetings:detail", args=[meeting.pk])
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    assert words(response.content.decode()).count("Fictionalby") >= children


def test_a_meeting_is_cancelled_with_a_reason_only_before_its_agenda_freezes(runner, child):
    meeting = a_meeting(runner)
    client = signed_in(runner)
    url = reverse("meetings:cancel", args=[meeting.pk])
    assert "Enter reason" in client.post(url, {"reason": ""}).content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    client.post(url, {"reason": "The chairs are both on leave (fictional)."})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    frozen, _ = frozen_with(runner, child, days=9)
    response = client.post(
        reverse("meetings:cancel", args=[frozen.pk]), {"reason": "Too late (fictional)."}
    )
    assert "Only a meeting whose agenda is not yet frozen" in response.content.decode()
    frozen.refresh_from_db()
    assert frozen.status == MeetingStatus.AGENDA_FROZEN


def test_signing_off_involves_the_chairs_agency_with_each_child_discussed(runner, child, police):
    from mace.people.models import AgencyInvolvement
    from mace.reference.models import Quadrant

    meeting, item = frozen_with(runner, child)
    services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    meeting.refresh_from_db()
    police_chair = UserFactory(
        username="police-chair",
        agency=police,
        quadrant=Quadrant.objects.get(code="south"),
        roles=[Role.MACE_CHAIR],
    )
    assert not AgencyInvolvement.objects.filter(child=child, agency=police).exists()
    signed_in(police_chair).post(
        reverse("meetings:sign_off", args=[meeting.pk]), {"version": meeting.version}
    )
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.MACE_DECISION)
    assert entry.agency == police
    assert AgencyInvolvement.objects.filter(child=child, agency=police).exists()


def test_an_action_page_offers_to_record_disruption_from_it_and_lists_what_followed(
    runner, child, alice
):
    from mace.disruption.models import Disruption
    from tests.intelligence import location

    meeting, item = frozen_with(runner, child)
    action = services.action_create(
        actor=runner,
        meeting=meeting,
        description="Serve a closure notice on the flat (fictional)",
        owner_agency=runner.agency,
        due_on=today() + dt.timedelta(days=7),
        item=item,
    )
    client = signed_in(runner)
    url = reverse("meetings:action_detail", args=[action.pk])
    page = client.get(url).content.decode()
    assert f"/disruption/new/?action={action.pk}" in page
    assert "No disruption recorded from this action yet" in page
    flat = location(runner)
    Disruption.objects.create(
        type="closure_notice",
        subject=flat.record,
        lead_agency=runner.agency,
        action=action,
        created_by=runner,
    )
    assert "Closure notice" in words(client.get(url).content.decode())


def test_the_discussion_page_takes_a_review_date_and_refuses_one_before_the_meeting(runner, child):
    meeting, item = frozen_with(runner, child)
    client = signed_in(runner)
    url = reverse("meetings:discussion", args=[meeting.pk, item.pk])
    refused = client.post(url, DISCUSSED | _date_fields("review_by", today()))
    assert "The review date must be after the meeting" in refused.content.decode()
    assert not Discussion.objects.exists()
    review_by = today() + dt.timedelta(days=70)
    client.post(url, DISCUSSED | _date_fields("review_by", review_by))
    assert Discussion.objects.get(item=item).review_by == review_by
    page = words(client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode())
    assert "Review from" in page
