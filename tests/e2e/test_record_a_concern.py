"""The first real job: a practitioner finds a child, records a concern with the indicators seen,
and sees it on the child's chronology. An uninvolved practitioner cannot open the record by page
or API, and both the reads and the refusals are in the access log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.models import AccessEvent
from mace.concerns.models import Concern
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory

# Browser tests run against a live server in another thread, so they use real transactions.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}-day"]').fill(str(day.day))
    page.locator(f'input[name="{name}-month"]').fill(str(day.month))
    page.locator(f'input[name="{name}-year"]').fill(str(day.year))


def test_a_practitioner_finds_a_child_records_a_concern_and_sees_it_on_the_chronology(
    audited_page, alice, csc
):
    child = ChildFactory(forename="Zephyrine", surname="Quillfeather", involved=[csc])
    page = audited_page.page
    sign_in(audited_page, "alice", TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).first.is_visible()

    audited_page.goto("/children/")
    page.get_by_label("Name, date of birth or identifier").fill("Quillfeather")
    page.get_by_role("button", name="Search").click()
    audited_page.audit()
    page.get_by_role("link", name="Zephyrine Quillfeather").click()
    audited_page.audit()
    assert "Zephyrine Quillfeather" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("button", name="Record a concern").click()
    audited_page.audit()
    today = timezone.localdate()

    # First a refused submit: the error summary appears and nothing is written or lost.
    page.get_by_label("Several phones or SIM cards").check()
    page.get_by_role("button", name="Record concern").click()
    audited_page.audit()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    assert page.get_by_label("Several phones or SIM cards").is_checked()
    assert Concern.objects.count() == 0

    page.get_by_label("Associating with older men or women").check()
    _fill_date(page, "seen_multiple-phones", today - dt.timedelta(days=2))
    page.locator('select[name="source_multiple-phones"]').select_option("observed")
    _fill_date(page, "seen_older-associates", today - dt.timedelta(days=9))
    page.locator('select[name="source_older-associates"]').select_option("child")
    page.get_by_label("What did you see or were you told?").fill(
        "Zephyrine was seen with two phones and said she meets older friends at the fictional pier."
    )
    page.get_by_label("Police", exact=True).check()
    _fill_date(page, "target_police", today + dt.timedelta(days=3))
    page.get_by_role("button", name="Record concern").click()
    page.wait_for_url(f"**/children/{child.pk}/")
    audited_page.audit()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Concern recorded")
    chronology = page.locator("main").inner_text()
    assert "Several phones or SIM cards" in chronology
    assert "Associating with older men or women" in chronology
    assert "fictional pier" in chronology
    concern = Concern.objects.get(child=child)
    assert concern.author == alice
    assert {i.indicator.code for i in concern.indicators.all()} == {
        "multiple-phones",
        "older-associates",
    }


def test_an_uninvolved_practitioner_gets_404_on_page_and_api_and_it_is_all_logged(
    audited_page, alice, bob, csc
):
    child = ChildFactory(forename="Marigold", surname="Vexworth", involved=[csc])
    page = audited_page.page

    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    assert "Marigold Vexworth" in page.locator("main").inner_text()
    page.context.clear_cookies()

    sign_in(audited_page, "bob", TEST_PASSWORD)
    response = page.goto(f"{audited_page.base_url}/children/{child.pk}/")
    assert response is not None and response.status == 404
    audited_page.audit()
    assert "Marigold" not in page.content()

    api = page.request.get(f"{audited_page.base_url}/api/v1/children/{child.pk}")
    assert api.status == 404
    assert "Marigold" not in api.text()
    assert json.loads(api.text()) == {"detail": "Not found"}

    # Alice's dashboard lists the children she works with (logged as a list); the reads and
    # refusals of the record itself are logged one by one.
    events = list(
        AccessEvent.objects.filter(child=child).exclude(action=AccessAction.LIST).order_by("id")
    )
    assert [(e.user.username, e.action, e.outcome, e.channel) for e in events] == [
        ("alice", AccessAction.VIEW, AccessOutcome.ALLOWED, AccessChannel.PAGE),
        ("bob", AccessAction.VIEW, AccessOutcome.REFUSED, AccessChannel.PAGE),
        ("bob", AccessAction.VIEW, AccessOutcome.REFUSED, AccessChannel.API),
    ]
