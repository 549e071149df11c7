"""Issue 5's journey through a MACE part 1 meeting. The South coordinator schedules a meeting,
drafts its agenda from the MACE criteria, edits it (adds a child, moves one, takes one off with
a reason) and freezes it; the police co-chair records the discussion of a child, gives Basildon
District Council an action, signs the minutes off and downloads them as a PDF; Basildon's
district officer finds the action on their dashboard and updates it, but the child's page answers
404. Every page is audited by axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.accounts.choices import Role
from mace.meetings.choices import ActionStatus, MeetingStatus
from mace.meetings.models import Action, AgendaItem, Meeting
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from mace.reference.models import Area, Quadrant
from tests.assessments import completed
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory, UserFactory, agency

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def test_a_part_1_meeting_from_agenda_to_signed_minutes_and_a_district_action(
    audited_page, alice, csc, police
):
    south = Quadrant.objects.get(code="south")
    basildon = Area.objects.get(code="basildon")
    eligible = ChildFactory(forename="Tamsin", surname="Quillfeather-Test", involved=[csc])
    eligible.area = basildon
    eligible.save()
    completed(alice, eligible, level="high", rationale="Known to be exploited (fictional).")
    ChildFactory(forename="Barnaby", surname="Wickhollow-Test", involved=[csc])
    UserFactory(
        username="southcoordinator", agency=csc, quadrant=south, roles=[Role.MACE_COORDINATOR]
    )
    UserFactory(username="southchair", agency=police, quadrant=south, roles=[Role.MACE_CHAIR])
    UserFactory(
        username="basildonofficer",
        agency=agency("Basildon District Council"),
        roles=[Role.DISTRICT_OFFICER],
    )
    page = audited_page.page
    meeting_day = timezone.localdate() + dt.timedelta(days=10)

    # --- the coordinator schedules the meeting and drafts, edits and freezes the agenda ---
    sign_in(audited_page, "southcoordinator", TEST_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="MACE meetings").click()
    page.wait_for_url("**/meetings/")
    audited_page.audit()
    page.get_by_role("link", name="Schedule a meeting").click()
    audited_page.audit()
    page.get_by_role("button", name="Schedule the meeting").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose part 1 or part 2")
    audited_page.audit()
    page.get_by_label("Part 1: individual children").check()
    _fill_date(page, "day", meeting_day)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_role("button", name="Schedule the meeting").click()
    page.wait_for_url("**/meetings/*/")
    audited_page.audit()
    meeting = Meeting.objects.get()

    page.get_by_role("button", name="Draft the agenda from the MACE criteria").click()
    expect(page.locator("#agenda")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Tamsin Quillfeather-Test")
    expect(page.locator("main")).to_contain_text("Newly meets the MACE criteria")
    audited_page.audit()

    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("Name, date of birth or reference of the child").fill("Wickhollow")
    page.get_by_role("button", name="Search").click()
    audited_page.audit()
    page.get_by_role("button", name="Add Barnaby Wickhollow-Test").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/**")
    page.get_by_role("button", name="Move up Barnaby Wickhollow-Test").click()
    page.wait_for_load_state()
    first = page.locator("#agenda ~ ol > li").first
    expect(first).to_contain_text("Barnaby Wickhollow-Test")
    page.get_by_role("link", name="Take off the agenda Barnaby Wickhollow-Test").click()
    audited_page.audit()
    page.get_by_label("Reason").fill("Discussed at the strategy meeting instead (fictional).")
    page.get_by_role("button", name="Take off the agenda").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/**")
    assert AgendaItem.objects.get(child__surname="Wickhollow-Test").removed_at is not None

    page.get_by_role("link", name="Freeze the agenda").click()
    audited_page.audit()
    page.get_by_role("button", name="Freeze the agenda").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text("Agenda frozen")
    audited_page.audit()
    page.context.clear_cookies()

    # --- the chair records the discussion, gives the district council an action, signs off ---
    sign_in(audited_page, "southchair", TEST_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="MACE meetings").click()
    page.get_by_role("link", name="South, Part 1: individual children").click()
    audited_page.audit()
    page.get_by_role("link", name="Record the discussion of Tamsin Quillfeather-Test").click()
    audited_page.audit()
    page.get_by_label("High (known)").check()
    page.get_by_label("Plan", exact=True).fill("Daily contact by her social worker (fictional).")
    page.get_by_label("Disruption opportunities (optional)").fill(
        "Licensing visit to the takeaway where she is seen (fictional)."
    )
    page.get_by_label("Stay on MACE").check()
    page.get_by_role("button", name="Save the discussion").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/**")
    expect(page.locator("main")).to_contain_text("Daily contact by her social worker")

    page.get_by_role("link", name="Add an action for Tamsin Quillfeather-Test").click()
    audited_page.audit()
    page.get_by_label("What is to be done").fill(
        "Licensing visit to the Crispy Kipper takeaway (fictional)."
    )
    page.get_by_label("Agency that owns the action").select_option(
        label="Basildon District Council"
    )
    _fill_date(page, "due_on", timezone.localdate() + dt.timedelta(days=21))
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/**")
    audited_page.audit()

    page.get_by_role("link", name="Sign the minutes off").click()
    audited_page.audit()
    page.get_by_role("button", name="Sign the minutes off").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text("Minutes signed off")
    audited_page.audit()
    assert Meeting.objects.get().status == MeetingStatus.SIGNED_OFF
    assert ChronologyEntry.objects.filter(child=eligible, kind=EntryKind.MACE_DECISION).exists()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the minutes (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-minutes.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    page.context.clear_cookies()

    # --- the district officer updates the action, and cannot open the child's page ---
    sign_in(audited_page, "basildonofficer", TEST_PASSWORD)
    panel = page.locator("main")
    expect(panel).to_contain_text("MACE actions")
    page.get_by_role("link", name="Licensing visit to the Crispy Kipper takeaway").click()
    audited_page.audit()
    expect(page.locator("main")).to_contain_text("A child discussed at MACE (not shown")
    expect(page.locator("main")).not_to_contain_text("Quillfeather")
    page.get_by_label("In progress").check()
    page.get_by_label("What has been done").fill("Visit booked with licensing (fictional).")
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator("main")).to_contain_text("Visit booked with licensing")
    audited_page.audit()
    assert Action.objects.get().status == ActionStatus.IN_PROGRESS
    response = page.goto(f"{audited_page.base_url}/children/{eligible.pk}/")
    assert response is not None and response.status == 404
    audited_page.audit()
