"""A practitioner completes a risk and vulnerabilities assessment of a 12-year-old. The
indicators start from the concern already recorded; the guard rule refuses a low rating for a
child under 13 with indicators, saying why and keeping everything typed; a medium rating is
completed, and the child's page shows the level and its review date."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from mace.assessments.models import Assessment, add_months
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from tests.assessments import born_aged, today
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}-day"]').fill(str(day.day))
    page.locator(f'input[name="{name}-month"]').fill(str(day.month))
    page.locator(f'input[name="{name}-year"]').fill(str(day.year))


def test_the_guard_rule_refuses_low_for_a_twelve_year_old_with_indicators(audited_page, alice, csc):
    child = ChildFactory(
        forename="Wrenna", surname="Pebblewhistle", dob=born_aged(12), involved=[csc]
    )
    concern_record(
        actor=alice,
        child=child,
        narrative="Seen with older youths near the fictional pier.",
        indicators=[IndicatorSeen("older-associates", today() - dt.timedelta(days=5), "observed")],
        routes=[RouteTo("csc", today() + dt.timedelta(days=2))],
    )
    page = audited_page.page
    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    expect(page.locator("#assessments")).to_have_text("Risk assessments")
    page.get_by_role("button", name="Start an assessment").click()
    page.wait_for_url(f"**/assessments/children/{child.pk}/start/")
    audited_page.audit()
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/edit/")
    audited_page.audit()

    # The concern's indicator is already there, with when and from whom.
    expect(page.get_by_label("Associating with older men or women")).to_be_checked()
    page.locator("#person-0-name").fill("Ottoline Pebblewhistle")
    page.locator("#person-0-role").select_option("parent")
    page.get_by_label("Several phones or SIM cards").check()
    _fill_date(page, "seen_multiple-phones", today() - dt.timedelta(days=2))
    page.locator('select[name="source_multiple-phones"]').select_option("parent")
    page.get_by_label("The child's view").fill("Wrenna says the older boys are her friends.")
    page.get_by_label("11A: Child sexual exploitation").check()
    page.get_by_label("Low (vulnerable)").check()
    page.get_by_label("Why did you choose this level?").fill(
        "No disclosure; the family are protective (fictional)."
    )
    page.get_by_role("button", name="Complete assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    audited_page.audit()

    expect(summary).to_contain_text(
        "A child under 13 who shows indicators of exploitation cannot be rated low"
    )
    expect(summary).to_contain_text("Wrenna Pebblewhistle was 12 at the date of the assessment")
    # Nothing typed is lost, and nothing was completed.
    expect(page.get_by_label("Low (vulnerable)")).to_be_checked()
    expect(page.get_by_label("The child's view")).to_have_value(
        "Wrenna says the older boys are her friends."
    )
    expect(page.locator("#advisory-summary")).to_contain_text("2 current, 0 previous")
    assessment = Assessment.objects.get(child=child)
    assert assessment.status == "draft" and assessment.level == ""

    # The error summary's link takes the practitioner to the level.
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("High (known)")).to_be_focused()
    page.get_by_label("Medium (suspected)").check()
    page.get_by_role("button", name="Complete assessment").click()
    page.wait_for_url(f"**/assessments/children/{child.pk}/{assessment.pk}/")
    audited_page.audit()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Assessment completed: Medium (suspected)"
    )
    review = add_months(today(), 3)
    expect(page.locator("main")).to_contain_text(f"{review.day} {review:%B %Y}")

    page.get_by_role("link", name="Back to Wrenna Pebblewhistle").click()
    page.wait_for_url(f"**/children/{child.pk}/")
    audited_page.audit()
    section = page.locator("main")
    expect(section).to_contain_text("Current level")
    expect(section).to_contain_text("Medium (suspected)")
    expect(section).to_contain_text("Risk assessment completed by Essex Children and Families")
