"""Two-factor sign-in: setting up an authenticator app on first sign-in, the code on every
sign-in after, single-use recovery codes, and enforcement on every page and the API."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mace.access.choices import SecurityAction
from tests.accounts import events, password_only
from tests.pages import assert_error_summary
from tests.two_factor import authenticator_for, code_for_key, current_code

PAGES = ["/", "/children/", "/account/", "/admin/", "/no-such-page/"]


def secret_from(html: str) -> bytes:
    match = re.search(r'id="secret-key">([A-Z2-7 ]+)<', html)
    assert match, "the key for typing in is on the page"
    return b32decode(match.group(1).replace(" ", ""))


def test_a_first_sign_in_shows_a_qr_code_and_the_key_to_type(client, alice):
    password_only(client, "alice")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Set up two-factor sign-in" in html
    assert '<svg class="mace-qr-code" role="img" aria-label=' in html
    assert "<path" in html and "style" not in html.split("<svg", 1)[1].split("</svg>")[0]
    key = secret_from(html)
    assert key == TOTPDevice.objects.get(user=alice, confirmed=False).bin_key
    # Reloading keeps the same secret: the app may already have scanned it.
    assert secret_from(client.get(reverse("accounts:two_factor_setup")).content.decode()) == key


def test_setting_up_with_the_right_code_shows_recovery_codes_once(client, alice):
    password_only(client, "alice", next="/children/")
    html = client.get(reverse("accounts:two_factor_setup") + "?next=/children/").content.decode()
    code = code_for_key(secret_from(html))
    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": code, "next": "/children/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:recovery_codes"))
    device = TOTPDevice.objects.get(user=alice)
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    codes = [t.token for t in StaticToken.objects.filter(device__user=alice)]
    assert len(codes) == 10

    shown = client.get(response["Location"]).content.decode()
    assert all(code in shown for code in codes)
    assert 'href="/children/"' in shown
    again = client.get(response["Location"]).content.decode()
    assert not any(code in again for code in codes), "recovery codes are shown once"
    assert len(events(SecurityAction.TWO_FACTOR_ENROLLED, user=alice)) == 1
    assert len(events(SecurityAction.RECOVERY_CODES_ISSUED, user=alice)) == 1
    assert client.get("/children/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"), [("", "Enter the 6-digit code"), ("12ab", "6 digits")]
)
def test_setting_up_without_a_proper_code_shows_the_error_summary(client, alice, typed, message):
    password_only(client, "alice")
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "code")
    assert message in html
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()


def test_setting_up_with_a_wrong_code_is_refused_and_recorded(client, alice):
    password_only(client, "alice")
    html = client.get(reverse("accounts:two_factor_setup")).content.decode()
    right = code_for_key(secret_from(html))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_setup"), {"code": wrong})
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert len(events(SecurityAction.TWO_FACTOR_FAILED, user=alice)) == 1
    assert client.get("/").status_code == 302


def test_a_later_sign_in_asks_for_the_code_and_then_goes_where_asked(client, alice):
    authenticator_for(alice)
    response = password_only(client, "alice", next="/children/")
    assert response["Location"] == reverse("accounts:two_factor") + "?next=%2Fchildren%2F"
    page = client.get(response["Location"])
    assert "Enter the 6-digit code from your authenticator app" in page.content.decode()
    response = client.post(
        reverse("accounts:two_factor"), {"code": current_code(alice), "next": "/children/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/children/"
    assert client.get("/children/").status_code == 200
    signed_in = events(SecurityAction.SIGNED_IN, user=alice)
    assert [e.detail for e in signed_in] == [
        "Password accepted; second factor next",
        "Second factor accepted: authenticator app",
    ]


def test_a_wrong_code_is_refused_recorded_and_leaves_the_session_unverified(client, alice):
    authenticator_for(alice)
    password_only(client, "alice")
    wrong = f"{(int(current_code(alice)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor"), {"code": wrong})
    html = response.content.decode()
    assert_error_summary(html, "code")
    assert "The code is not right" in html
    assert len(events(SecurityAction.TWO_FACTOR_FAILED, user=alice)) == 1
    assert client.get("/").status_code == 302


def test_a_code_cannot_be_used_twice(client, alice):
    authenticator_for(alice)
    code = current_code(alice)
    password_only(client, "alice")
    assert client.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_only(client, "alice")
    response = client.post(reverse("accounts:two_factor"), {"code": code})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()


def test_after_a_wrong_code_the_next_try_must_wait(client, alice):
    """django-otp slows down guessing: after a wrong code, the next try must wait."""
    authenticator_for(alice)
    password_only(client, "alice")
    wrong = f"{(int(current_code(alice)) + 1) % 1_000_000:06d}"
    client.post(reverse("accounts:two_factor"), {"code": wrong})
    response = client.post(reverse("accounts:two_factor"), {"code": current_code(alice)})
    assert "too many wrong codes" in response.content.decode()
    assert client.get("/").status_code == 302


def _with_recovery_codes(alice) -> list[str]:  # type: ignore[no-untyped-def]
    authenticator_for(alice)
    device = StaticDevice.objects.create(user=alice, name="Recovery codes")
    codes = ["fictional1", "fictional2", "fictional3", "fictional4"]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


def test_a_recovery_code_signs_in_once(client, alice):
    codes = _with_recovery_codes(alice)
    password_only(client, "alice")
    response = client.post(reverse("accounts:recovery_code"), {"code": " FICTIONAL1 "})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    # Running low: the next page says so.
    assert "You have 3 recovery codes left" in page.content.decode()
    used = events(SecurityAction.RECOVERY_CODE_USED, user=alice)
    assert [e.detail for e in used] == ["3 recovery codes left"]

    client.post(reverse("accounts:logout"))
    password_only(client, "alice")
    response = client.post(reverse("accounts:recovery_code"), {"code": codes[0]})
    assert response.status_code == 200
    assert "has been used" in response.content.decode()
    assert client.get("/").status_code == 302
    assert len(events(SecurityAction.TWO_FACTOR_FAILED, user=alice)) == 1


def test_new_recovery_codes_replace_the_old_ones(client, alice):
    old = _with_recovery_codes(alice)
    client.force_login(alice)
    response = client.post(reverse("accounts:recovery_codes_new"))
    assert response.status_code == 302
    new = [t.token for t in StaticToken.objects.filter(device__user=alice)]
    assert len(new) == 10 and not set(new) & set(old)
    shown = client.get(response["Location"]).content.decode()
    assert all(code in shown for code in new)
    assert len(events(SecurityAction.RECOVERY_CODES_ISSUED, user=alice)) == 1


def test_new_recovery_codes_without_an_authenticator_say_why_on_the_account_page(client, district):
    password_only(client, "district")
    response = client.post(reverse("accounts:recovery_codes_new"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:account")
    assert "Set up your authenticator app first" in response.content.decode()
    assert not StaticDevice.objects.filter(user=district).exists()


@pytest.mark.parametrize("path", PAGES)
def test_a_session_without_the_second_factor_reaches_no_page(client, alice, path):
    authenticator_for(alice)
    password_only(client, "alice")
    response = client.get(path)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:two_factor") + "?next=")


@pytest.mark.parametrize("path", ["/", "/children/", "/account/"])
def test_a_session_that_has_not_set_up_two_factor_is_sent_to_set_it_up(client, alice, path):
    password_only(client, "alice")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup") + "?next=")


def test_a_session_without_the_second_factor_gets_401_from_the_api(client, alice, child):
    authenticator_for(alice)
    password_only(client, "alice")
    for path in ["/api/v1/children", f"/api/v1/children/{child.pk}"]:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Sign in or send an API token"}
    response = client.post("/api/v1/children", {}, content_type="application/json")
    assert response.status_code == 401


def test_a_session_with_the_second_factor_reaches_the_api(client, alice):
    authenticator_for(alice)
    password_only(client, "alice")
    client.post(reverse("accounts:two_factor"), {"code": current_code(alice)})
    assert client.get("/api/v1/children").status_code == 200


def test_signing_out_is_allowed_before_the_second_factor(client, alice):
    authenticator_for(alice)
    password_only(client, "alice")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(events(SecurityAction.SIGNED_OUT, user=alice)) == 1


def test_the_set_up_page_cannot_replace_a_working_authenticator(client, alice):
    device = authenticator_for(alice)
    password_only(client, "alice")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert list(TOTPDevice.objects.filter(user=alice)) == [device]


@pytest.mark.parametrize("persona", ["admin_user", "manager", "chair"])
def test_administrators_and_case_roles_must_use_two_factor(client, request, persona):
    user = request.getfixturevalue(persona)
    response = password_only(client, user.username)
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_a_data_protection_officer_must_use_two_factor(client, csc):
    from mace.accounts.choices import Role
    from tests.factories import UserFactory

    dpo = UserFactory(username="dpo", agency=csc, roles=[Role.DATA_PROTECTION])
    response = password_only(client, dpo.username)
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


@pytest.mark.parametrize("persona", ["district", "board"])
def test_someone_who_sees_no_case_content_signs_in_with_a_password(client, request, persona):
    user = request.getfixturevalue(persona)
    response = password_only(client, user.username)
    assert response["Location"] == reverse("dashboard:home")
    assert client.get("/").status_code == 200
    assert client.get("/account/").status_code == 200


def test_someone_who_chose_two_factor_is_asked_for_it(client, district):
    authenticator_for(district)
    response = password_only(client, "district")
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert client.get("/").status_code == 302


def test_the_demo_setting_skips_two_factor_and_every_page_says_so(client, alice, settings):
    settings.MACE_DEMO_SKIP_TWO_FACTOR = True
    response = password_only(client, "alice")
    assert response["Location"] == reverse("dashboard:home")
    html = client.get("/").content.decode()
    assert "Two-factor sign-in is switched off for this demo" in html
    assert "synthetic" in html
    assert client.get("/api/v1/children").status_code == 200


def test_without_the_demo_setting_no_page_mentions_it(client, alice):
    client.force_login(alice)
    assert "Two-factor sign-in is switched off" not in client.get("/").content.decode()
