"""A current indicator of actual exploitation needs a high level, or an override that a manager
signs off. The practitioner chooses medium and writes why; the assessment waits; their manager
finds it on "My work", reads it beside the advisory summary and signs it off; the sign-off is
shown on the assessment and the child's chronology."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from mace.assessments.models import Assessment
from mace.assessments.services import assessment_start
from tests.assessments import today
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}-day"]').fill(str(day.day))
    page.locator(f'input[name="{name}-month"]').fill(str(day.month))
    page.locator(f'input[name="{name}-year"]').fill(str(day.year))


def test_an_override_waits_for_a_managers_sign_off(audited_page, alice, manager, csc):
    child = ChildFactory(forename="Caspian", surname="Thistlebrook", sex="M", involved=[csc])
    assessment = assessment_start(actor=alice, child=child)
    page = audited_page.page
    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto("/")
    expect(page.locator("main")).to_contain_text("Your assessments in progress")
    page.get_by_role("link", name="Caspian Thistlebrook").first.click()
    page.wait_for_url(f"**/assessments/children/{child.pk}/{assessment.pk}/")
    audited_page.audit()
    page.get_by_role("button", name="Continue the assessment").click()
    page.wait_for_url("**/edit/")
    audited_page.audit()

    page.get_by_label("Carrying, holding or selling drugs for others").check()
    _fill_date(page, "seen_drug-running", today() - dt.timedelta(days=4))
    page.locator('select[name="source_drug-running"]').select_option("records")
    page.get_by_label("The child's view").fill("Caspian says he was holding a bag for a friend.")
    page.get_by_label("24A: Child criminal exploitation").check()
    page.get_by_label("Medium (suspected)").check()
    page.get_by_label("Why did you choose this level?").fill(
        "One incident; he is engaging with the youth service (fictional)."
    )
    page.get_by_role("button", name="Complete assessment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "choose high, or write an override"
    )
    audited_page.audit()
    page.get_by_label("Override: why is a level other than high right?").fill(
        "Police are satisfied he did not know what was in the bag (fictional)."
    )
    page.get_by_role("button", name="Complete assessment").click()
    page.wait_for_url(f"**/{assessment.pk}/")
    audited_page.audit()
    expect(page.locator("main")).to_contain_text("Awaiting manager sign-off")
    assert Assessment.objects.get().status == "awaiting_sign_off"
    page.context.clear_cookies()

    sign_in(audited_page, "manager", TEST_PASSWORD)
    audited_page.goto("/")
    expect(page.locator("main")).to_contain_text("Overrides waiting for your sign-off")
    page.get_by_role("link", name="Caspian Thistlebrook").first.click()
    page.wait_for_url("**/sign-off/")
    audited_page.audit()
    expect(page.locator("#advisory-summary")).to_contain_text(
        "Carrying, holding or selling drugs for others (current)"
    )
    page.get_by_role("button", name="Record your decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason")
    audited_page.audit()
    page.get_by_label("Yes, sign it off: the level stands").check()
    page.get_by_label("Your reasons").fill("Agreed after speaking to the police (fictional).")
    page.get_by_role("button", name="Record your decision").click()
    page.wait_for_url(f"**/{assessment.pk}/")
    audited_page.audit()
    main = page.locator("main")
    expect(main).to_contain_text("Override signed off. The assessment is completed")
    expect(main).to_contain_text("Agreed after speaking to the police (fictional).")
    page.get_by_role("link", name="Back to Caspian Thistlebrook").click()
    page.wait_for_url(f"**/children/{child.pk}/")
    audited_page.audit()
    expect(page.locator("main")).to_contain_text("Override signed off by")
