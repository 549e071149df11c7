"""A practitioner writing a concern loses nothing when their session ends: the draft is kept on
the server as they type; when the session has gone the page says so and how to carry on; after
signing in again the form comes back with everything typed before the session ended."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from mace.concerns.models import Concern
from mace.core.models import Draft
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BEFORE = "Seen at the fictional bus station with two older youths, who drove off in a grey car."
AFTER = " Typed after the session ended."


def _fill_date(page, name: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}-day"]').fill(str(day.day))
    page.locator(f'input[name="{name}-month"]').fill(str(day.month))
    page.locator(f'input[name="{name}-year"]').fill(str(day.year))


def test_a_draft_survives_an_expired_session(audited_page, alice, csc):
    child = ChildFactory(forename="Quillon", surname="Driftwood", involved=[csc])
    form_path = f"/concerns/new/{child.pk}/"
    page = audited_page.page
    status = page.locator("[data-draft-status]")
    narrative = page.get_by_label("What did you see or were you told?")

    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(form_path)
    page.get_by_label("Several phones or SIM cards").check()
    narrative.fill(BEFORE)
    expect(status).to_contain_text(re.compile(r"Draft saved at \d\d:\d\d"), timeout=10_000)
    audited_page.audit()
    draft = Draft.objects.get(user=alice, key=f"concern:child:{child.pk}")
    assert draft.data["narrative"] == [BEFORE]
    assert "csrfmiddlewaretoken" not in draft.data

    # The session ends (an idle timeout, or signed out elsewhere) while the page stays open.
    Session.objects.all().delete()
    narrative.press("End")
    narrative.type(AFTER)
    expect(status).to_contain_text("You have been signed out", timeout=10_000)
    expect(status).to_contain_text(re.compile(r"Your draft up to \d\d:\d\d is saved"))
    link = status.get_by_role("link", name="sign in again to carry on")
    assert link.get_attribute("href") == f"/sign-in/?next={form_path.replace('/', '%2F')}"
    audited_page.audit()
    # Nothing typed before the session ended was lost; nothing was saved without a session.
    draft.refresh_from_db()
    assert draft.data["narrative"] == [BEFORE]

    link.click()
    page.wait_for_load_state()
    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(form_path)
    banner = page.get_by_role("region", name="Draft restored")
    assert "We restored the draft you saved at" in banner.inner_text()
    assert narrative.input_value() == BEFORE
    assert page.get_by_label("Several phones or SIM cards").is_checked()
    assert page.locator(".govuk-error-summary").count() == 0

    # Finishing and recording the concern deletes the draft.
    today = timezone.localdate()
    _fill_date(page, "seen_multiple-phones", today - dt.timedelta(days=1))
    page.locator('select[name="source_multiple-phones"]').select_option("observed")
    page.get_by_label("Police", exact=True).check()
    _fill_date(page, "target_police", today + dt.timedelta(days=3))
    page.get_by_role("button", name="Record concern").click()
    page.wait_for_url(f"**/children/{child.pk}/")
    audited_page.audit()
    assert Concern.objects.get(child=child).narrative == BEFORE
    assert not Draft.objects.filter(user=alice).exists()


def test_a_restored_draft_can_be_discarded(audited_page, alice, csc):
    child = ChildFactory(forename="Ember", surname="Lanternby", involved=[csc])
    Draft.objects.create(
        user=alice, key=f"concern:child:{child.pk}", data={"narrative": ["An old fictional note"]}
    )
    page = audited_page.page
    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(f"/concerns/new/{child.pk}/")
    assert page.get_by_label("What did you see or were you told?").input_value() == (
        "An old fictional note"
    )
    page.get_by_role("button", name="Discard draft").click()
    page.wait_for_load_state()
    audited_page.audit()
    assert page.get_by_label("What did you see or were you told?").input_value() == ""
    assert "Draft discarded" in page.locator("main").inner_text()
    assert not Draft.objects.exists()
