"""The disruption journey in a browser: a police practitioner records a closure notice on a hotel,
with its dates, from the hotel's page; then a district council officer of the hotel's district
opens the disruption list, sees it, and opens it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from mace.disruption.models import Disruption
from tests.clock import today
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.intelligence import location

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}-day"]').fill(str(day.day))
    page.locator(f'input[name="{name}-month"]').fill(str(day.month))
    page.locator(f'input[name="{name}-year"]').fill(str(day.year))


def _click(audited, role: str, name: str) -> None:  # type: ignore[no-untyped-def]
    audited.page.get_by_role(role, name=name).first.click()
    audited.page.wait_for_load_state()
    audited.audit()


def test_a_closure_notice_is_recorded_and_the_district_officer_sees_it(audited_page, bob, district):
    hotel = location(bob)
    page = audited_page.page
    sign_in(audited_page, "bob", TEST_PASSWORD)
    audited_page.goto(f"/intelligence/locations/{hotel.pk}/")
    _click(audited_page, "link", "Record disruption on The Sleepy Kipper Hotel")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record disruption")
    page.get_by_label("Type of disruption").select_option(label="Closure notice")
    page.get_by_label("Status").select_option(label="Served")
    page.get_by_label("Legal basis (optional)").fill(
        "Anti-social Behaviour, Crime and Policing Act 2014 s.76"
    )
    _fill_date(page, "applied_on", today() - dt.timedelta(days=2))
    _fill_date(page, "granted_on", today() - dt.timedelta(days=1))
    _fill_date(page, "served_on", today() - dt.timedelta(days=1))
    _fill_date(page, "expires_on", today() + dt.timedelta(days=1))
    _click(audited_page, "button", "Record disruption")
    disruption = Disruption.objects.get()
    page.wait_for_url(f"**/disruption/{disruption.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("The Sleepy Kipper Hotel")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Essex Police")
    assert disruption.type == "closure_notice" and disruption.served_on == today() - dt.timedelta(1)

    # The pages to change it and to add evidence pass the accessibility audit too.
    _click(audited_page, "button", "Change details")
    _click(audited_page, "link", "Back to the disruption")
    _click(audited_page, "link", "Add an evidence item")
    _click(audited_page, "button", "Add evidence item")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the evidence")

    _click(audited_page, "button", "Sign out")
    sign_in(audited_page, "district", TEST_PASSWORD)
    audited_page.goto("/disruption/")
    expect(page.locator(".govuk-table")).to_contain_text("The Sleepy Kipper Hotel")
    _click(audited_page, "link", "Closure notice on The Sleepy Kipper Hotel")
    page.wait_for_url(f"**/disruption/{disruption.pk}/")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Served")
