"""Issue 4's journey to the MACE list: a practitioner records a child's third missing episode in
ninety days from the child's page, and the quadrant's MACE coordinator (whose agency does not
work with the child) finds the child on the quadrant's MACE list with the reason, and can open
the child's record from it. Every page is audited by axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.accounts.choices import Role
from mace.missing.services import episode_record
from mace.reference.models import Area, Quadrant
from tests.e2e.conftest import sign_in
from tests.e2e.test_missing_episode import _fill_moment
from tests.factories import TEST_PASSWORD, ChildFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_third_episode_puts_the_child_on_the_quadrants_mace_list_with_the_reason(
    audited_page, alice, csc, police
):
    child = ChildFactory(forename="Peregrine", surname="Lowmarsh-Test", involved=[csc])
    child.area = Area.objects.get(code="basildon")  # South quadrant
    child.save()
    now = timezone.now().replace(second=0, microsecond=0)
    for days_ago in (60, 25):
        start = now - dt.timedelta(days=days_ago)
        episode_record(
            actor=alice,
            child=child,
            type="M",
            last_seen_at=start,
            ended_at=start + dt.timedelta(hours=9),
            end_reason="returned",
        )
    UserFactory(
        username="southcoordinator",
        agency=police,
        quadrant=Quadrant.objects.get(code="south"),
        roles=[Role.MACE_COORDINATOR],
    )
    page = audited_page.page

    sign_in(audited_page, "southcoordinator", TEST_PASSWORD)
    page.get_by_role("link", name="MACE list").click()
    page.wait_for_url("**/mace/south/")
    audited_page.audit()
    expect(page.locator("main")).to_contain_text("No child in the South quadrant meets")
    page.context.clear_cookies()

    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    page.get_by_role("button", name="Record a missing episode").click()
    audited_page.audit()
    page.get_by_label("Missing (whereabouts unknown)").check()
    _fill_moment(page, "last_seen_at", now - dt.timedelta(hours=40))
    page.locator("#looked_after_1").check()
    page.get_by_role("button", name="Record episode").click()
    page.wait_for_url("**/missing/children/*/episodes/*/")
    audited_page.audit()
    audited_page.goto(f"/children/{child.pk}/")
    expect(page.locator("#mace-criteria")).to_contain_text("Repeatedly missing")
    page.context.clear_cookies()

    sign_in(audited_page, "southcoordinator", TEST_PASSWORD)
    page.get_by_role("link", name="MACE list").click()
    page.wait_for_url("**/mace/south/")
    audited_page.audit()
    row = page.locator("tbody tr", has_text="Peregrine Lowmarsh-Test")
    expect(row).to_contain_text("Repeatedly missing")
    expect(row).to_contain_text("3 missing episodes in the last 90 days")
    row.get_by_role("link", name="Peregrine Lowmarsh-Test").click()
    page.wait_for_url(f"**/children/{child.pk}/")
    audited_page.audit()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Peregrine Lowmarsh-Test")
