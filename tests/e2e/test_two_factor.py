"""Two-factor sign-in in a real browser: a new user sets up their authenticator app (the test
reads the key off the page and works out the code, as the app would), saves their recovery
codes, signs out, and signs in again with a code; and someone signs in with a recovery code."""

from __future__ import annotations

from base64 import b32decode

import pytest

from mace.access.choices import SecurityAction
from mace.access.models import SecurityEvent
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.two_factor import code_for_key, current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE_LABEL = "Enter the 6-digit code from your authenticator app"


def password(audited, username: str) -> None:  # type: ignore[no-untyped-def]
    page = audited.page
    audited.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    audited.audit()


def test_a_new_user_sets_up_two_factor_and_signs_in_with_it(audited_page, alice):
    page = audited_page.page
    password(audited_page, "alice")
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()

    # A code that is not 6 digits first: the error summary, and nothing set up.
    page.get_by_label(CODE_LABEL).fill("12345")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    audited_page.audit()
    assert page.locator(".govuk-error-summary").is_visible()

    page.get_by_text("I cannot scan the QR code").click()
    key = b32decode(page.locator("#secret-key").inner_text().replace(" ", ""))
    page.get_by_label(CODE_LABEL).fill(code_for_key(key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    audited_page.audit()

    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.wait_for_load_state()
    audited_page.audit()
    assert page.get_by_role("heading", name="My work").is_visible()

    audited_page.goto("/account/")
    assert page.get_by_text("You have 10 recovery codes left").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    password(audited_page, "alice")
    assert page.get_by_label(CODE_LABEL).is_visible()
    page.get_by_label(CODE_LABEL).fill(current_code(alice))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    audited_page.audit()
    assert page.get_by_role("heading", name="My work").is_visible()
    actions = set(SecurityEvent.objects.filter(user=alice).values_list("action", flat=True))
    assert {
        SecurityAction.TWO_FACTOR_ENROLLED,
        SecurityAction.SIGNED_IN,
        SecurityAction.SIGNED_OUT,
    } <= actions


def test_signing_in_with_a_recovery_code(audited_page, alice):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from tests.two_factor import authenticator_for

    authenticator_for(alice)
    device = StaticDevice.objects.create(user=alice, name="Recovery codes")
    StaticToken.objects.create(device=device, token="fictionalcode")
    page = audited_page.page
    password(audited_page, "alice")
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.wait_for_load_state()
    audited_page.audit()
    page.get_by_label("Enter a recovery code").fill("fictionalcode")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    audited_page.audit()
    assert page.get_by_role("heading", name="My work").is_visible()
    assert page.get_by_text("You have 0 recovery codes left").is_visible()
    assert not StaticToken.objects.filter(device=device).exists()


def test_the_idle_warning_offers_to_stay_signed_in(audited_page, alice, settings):
    settings.MACE_IDLE_TIMEOUT_MINUTES = 3
    settings.MACE_IDLE_WARNING_SECONDS = 178  # shows two seconds after the page loads
    sign_in(audited_page, "alice", TEST_PASSWORD)
    page = audited_page.page
    warning = page.get_by_role("alertdialog", name="You are about to be signed out")
    warning.wait_for(state="visible", timeout=10_000)
    audited_page.audit()
    page.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden", timeout=10_000)
    assert page.get_by_role("heading", name="My work").is_visible()
