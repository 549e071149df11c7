"""A practitioner records a missing episode from the child's page (a refused submit first: the
error summary, nothing written), records that the child was found, then records the return
home interview, held within 72 hours by someone independent; the child's page then shows the
episode. Every page is audited by axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.missing.models import MissingEpisode, ReturnInterview
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_moment(page, name: str, moment: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    local = timezone.localtime(moment)
    page.locator(f'input[name="{name}-day"]').fill(str(local.day))
    page.locator(f'input[name="{name}-month"]').fill(str(local.month))
    page.locator(f'input[name="{name}-year"]').fill(str(local.year))
    page.locator(f'input[name="{name}_time"]').fill(f"{local:%H:%M}")


def test_a_practitioner_records_an_episode_and_its_return_interview(audited_page, alice, csc):
    child = ChildFactory(forename="Wrenna", surname="Gullwhistle", involved=[csc])
    page = audited_page.page
    now = timezone.now().replace(second=0, microsecond=0)
    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Missing episodes")).to_be_visible()
    page.get_by_role("button", name="Record a missing episode").click()
    audited_page.audit()

    page.get_by_role("button", name="Record episode").click()
    audited_page.audit()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter when the child left")
    assert MissingEpisode.objects.count() == 0

    page.get_by_label("Missing (whereabouts unknown)").check()
    _fill_moment(page, "last_seen_at", now - dt.timedelta(hours=30))
    page.locator("#looked_after_0").check()
    page.get_by_label("Who reported it? (optional)").fill("Residential home staff")
    page.get_by_label("Police risk grade (optional)").select_option("medium")
    page.get_by_role("button", name="Record episode").click()
    page.wait_for_url("**/missing/children/*/episodes/*/")
    audited_page.audit()
    expect(page.locator("main")).to_contain_text("Still missing")

    page.get_by_role("button", name="Record found or returned").click()
    audited_page.audit()
    _fill_moment(page, "ended_at", now - dt.timedelta(hours=20))
    page.get_by_label("Found", exact=True).check()
    page.get_by_label("Where was the child found? (optional)").fill("A fictional bus station")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/missing/children/*/episodes/*/")
    audited_page.audit()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("72 hours")

    page.get_by_role("button", name="Record the return interview").click()
    audited_page.audit()
    page.locator("#offered_0").check()
    page.locator("#accepted_0").check()
    _fill_moment(page, "held_at", now - dt.timedelta(hours=2))
    page.locator("#independent_0").check()
    page.get_by_label("What did the child say?").fill(
        "Wrenna said she stayed with a fictional friend and felt safe."
    )
    page.get_by_label("Places the child named (optional)").fill("The fictional pier\nA skate park")
    page.get_by_role("button", name="Save interview").click()
    page.wait_for_url("**/missing/children/*/episodes/*/")
    audited_page.audit()
    expect(page.locator("main")).to_contain_text("Held within 72 hours")
    interview = ReturnInterview.objects.get()
    assert interview.places_named == ["The fictional pier", "A skate park"]
    assert interview.interviewer == alice and interview.independent is True

    audited_page.goto(f"/children/{child.pk}/")
    expect(page.locator("#missing-episodes")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Held within 72 hours")
    audited_page.goto(f"/missing/children/{child.pk}/")
