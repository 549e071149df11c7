"""Browser journeys for issue 3's access rules: an outsider takes emergency (break-glass) access
to a missing child's record and a manager reviews it; a restricted entry is read by its agency
and hidden from another agency that works with the same child."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mace.access.choices import BreakGlassReview
from mace.access.models import BreakGlassGrant
from mace.people.choices import InvolvementReason
from mace.people.models import AgencyInvolvement, ChildIdentifier
from mace.people.services import chronology_note_add
from tests.api import FICTIONAL_NHS_NUMBER
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_out(audited_page) -> None:  # type: ignore[no-untyped-def]
    audited_page.page.context.clear_cookies()


def test_an_outsider_takes_emergency_access_and_a_manager_reviews_it(
    audited_page, bob, manager, csc
):
    child = ChildFactory(forename="Ember", surname="Nightingale-Test", involved=[csc])
    ChildIdentifier.objects.create(child=child, type="nhs", value=FICTIONAL_NHS_NUMBER)
    page = audited_page.page

    sign_in(audited_page, "bob", TEST_PASSWORD)
    audited_page.goto("/children/")
    page.get_by_label("Name, date of birth or identifier").fill(FICTIONAL_NHS_NUMBER)
    # The identifier alone says nothing of a child bob cannot see; with the date of birth it
    # says a record exists.
    page.get_by_role("button", name="Search").click()
    audited_page.audit()
    assert "A record already exists" not in page.locator("main").inner_text()
    page.locator("#dob-day").fill(str(child.dob.day))
    page.locator("#dob-month").fill(str(child.dob.month))
    page.locator("#dob-year").fill(str(child.dob.year))
    page.get_by_role("button", name="Search").click()
    audited_page.audit()
    assert "A record already exists" in page.locator("main").inner_text()
    assert "Ember" not in page.locator("main").inner_text()
    page.get_by_role("link", name="get emergency access").click()
    audited_page.audit()
    expect(page.get_by_label("The child's identifier")).to_have_value(FICTIONAL_NHS_NUMBER)
    expect(page.locator("#dob-year")).to_have_value(str(child.dob.year))

    # Too short a reason is refused and nothing is granted.
    page.get_by_label("The child is missing").check()
    page.get_by_label("Explain what has happened and why it cannot wait").fill("Missing")
    page.get_by_role("button", name="Get emergency access").click()
    audited_page.audit()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 20 characters")
    assert not BreakGlassGrant.objects.exists()

    page.get_by_label("Explain what has happened and why it cannot wait").fill(
        "Reported missing overnight from a fictional address; police reference ZZ/1/26."
    )
    page.get_by_role("button", name="Get emergency access").click()
    page.wait_for_url(f"**/children/{child.pk}/")
    audited_page.audit()
    expect(page.locator("h1")).to_contain_text("Ember Nightingale-Test")
    expect(page.locator("main")).to_contain_text("through emergency access until")
    # Read-only: nothing on the page records, adds or changes anything.
    expect(page.get_by_role("button", name="Add a note")).to_have_count(0)
    expect(page.get_by_role("button", name="Record a concern")).to_have_count(0)

    _sign_out(audited_page)
    sign_in(audited_page, "manager", TEST_PASSWORD)
    expect(page.locator("main")).to_contain_text("took emergency access")
    page.get_by_role("link", name="took emergency access").click()
    audited_page.audit()
    expect(page.locator("h1")).to_contain_text("Emergency access by")
    expect(page.locator("main")).to_contain_text("Viewed the child's record")
    page.get_by_label("Yes, it was appropriate").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_url("**/access/break-glass/")
    audited_page.audit()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Review saved")
    grant = BreakGlassGrant.objects.get()
    assert grant.review_status == BreakGlassReview.APPROPRIATE and grant.reviewed_by == manager

    # The audit shows the outsider's refused search, the emergency access and the reads.
    page.get_by_role("link", name="Audit", exact=True).click()
    audited_page.audit()
    page.get_by_label("A child's MACE reference or identifier").fill(child.reference)
    page.get_by_role("button", name="Find").click()
    audited_page.audit()
    audit = page.locator("main").inner_text()
    assert "Took emergency (break-glass) access" in audit
    assert "(bob)" in audit


def test_a_restricted_entry_is_read_by_its_agency_and_hidden_from_another(
    audited_page, alice, bob, csc, police
):
    child = ChildFactory(forename="Rowan", surname="Hollowbrook-Test", involved=[csc])
    AgencyInvolvement.objects.create(child=child, agency=police, reason=InvolvementReason.ALLOCATED)
    chronology_note_add(
        actor=bob,
        child=child,
        title="Patrol sighting (fictional)",
        body="Seen at the fictional bus station.",
    )
    page = audited_page.page

    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    page.get_by_role("button", name="Add a note").click()
    audited_page.audit()
    page.get_by_label("Title").fill("Disclosure to the school nurse")
    page.get_by_label("Note", exact=True).fill("Named an older adult, Fictitious Ferdinand.")
    page.get_by_label("Restrict who can read this").check()
    page.get_by_label("A disclosure by the child").check()
    page.get_by_role("button", name="Add the note").click()
    page.wait_for_url(f"**/children/{child.pk}/")
    audited_page.audit()
    main = page.locator("main").inner_text()
    assert "Fictitious Ferdinand" in main and "Restricted" in main

    _sign_out(audited_page)
    sign_in(audited_page, "bob", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    main = page.locator("main").inner_text()
    assert "Patrol sighting" in main
    assert "Restricted entry" in main
    assert "Disclosure to the school nurse" not in main
    assert "Fictitious Ferdinand" not in main
    assert f"Only {csc.name} and the MACE chairs" in main
    assert "A disclosure by the child" not in main
