"""Lockout after repeated failed sign-ins (django-axes), the audited unlock, and the audited
reset of a user's second factor, from the command line and the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mace.access.choices import SecurityAction
from tests.accounts import events, password_only
from tests.two_factor import authenticator_for


def fail(client: Client, username: str, times: int) -> object:
    response = None
    for _ in range(times):
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": "not-the-password"}
        )
    return response


def test_each_failed_sign_in_is_recorded_with_the_username_typed(client, alice):
    fail(client, "alice", 1)
    fail(client, "nobody-fictional", 1)
    assert [e.user for e in events(SecurityAction.SIGN_IN_FAILED)] == [alice, None]
    assert [e.username for e in events(SecurityAction.SIGN_IN_FAILED)] == [
        "alice",
        "nobody-fictional",
    ]
    assert events(SecurityAction.SIGN_IN_FAILED)[0].ip_address == "127.0.0.1"


def test_five_failures_lock_the_account_with_a_clear_message(client, alice, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert fail(client, "alice", 4).status_code == 200  # type: ignore[attr-defined]
    response = fail(client, "alice", 1)
    assert response.status_code == 429  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "You cannot sign in at the moment" in html
    assert "locked for 30 minutes" in html
    assert "ask your administrator to unlock your account" in html
    locked = events(SecurityAction.LOCKED_OUT, user=alice)
    assert len(locked) == 1 and locked[0].detail.startswith("Locked for")

    # Even the right password is refused now, and that try is recorded too.
    response = password_only(client, "alice")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert len(events(SecurityAction.LOCKED_OUT, user=alice)) == 2


def test_a_lockout_is_for_that_username_from_that_address(client, alice, bob):
    fail(client, "alice", 5)
    assert password_only(client, "bob").status_code == 302
    other_address = Client(REMOTE_ADDR="192.0.2.10")
    assert password_only(other_address, "alice").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, alice):
    fail(client, "alice", 4)
    assert password_only(client, "alice").status_code == 302
    client.post(reverse("accounts:logout"))
    assert fail(client, "alice", 4).status_code == 200  # type: ignore[attr-defined]


def test_an_administrator_unlocks_from_the_command_line_and_it_is_recorded(
    client, alice, admin_user
):
    fail(client, "alice", 5)
    out = StringIO()
    call_command("unlock_user", "alice", "--by", "sysadmin", stdout=out)
    assert "Unlocked alice" in out.getvalue()
    assert not AccessAttempt.objects.filter(username="alice").exists()
    unlocked = events(SecurityAction.UNLOCKED, user=alice)
    assert len(unlocked) == 1 and unlocked[0].actor == admin_user
    assert password_only(client, "alice").status_code == 302


def test_the_unlock_command_needs_an_administrator_to_name(alice, bob):
    with pytest.raises(CommandError, match="system administrator"):
        call_command("unlock_user", "alice", "--by", "bob", stdout=StringIO())
    assert events(SecurityAction.UNLOCKED) == []


@pytest.fixture
def sysadmin_client(admin_user):  # type: ignore[no-untyped-def]
    admin_user.user_permissions.add(*Permission.objects.filter(content_type__app_label="accounts"))
    client = Client()
    client.force_login(admin_user)
    return client


def test_an_administrator_unlocks_in_the_admin_and_it_is_recorded(
    client, sysadmin_client, alice, admin_user
):
    fail(client, "alice", 5)
    response = sysadmin_client.post(
        "/admin/accounts/user/", {"action": "unlock", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert events(SecurityAction.UNLOCKED, user=alice)[0].actor == admin_user


def test_resetting_two_factor_from_the_command_line_is_recorded_with_the_reason(
    client, alice, admin_user
):
    authenticator_for(alice)
    StaticDevice.objects.create(user=alice, name="Recovery codes")
    out = StringIO()
    call_command(
        "reset_two_factor",
        "alice",
        "--reason",
        "Lost phone (fictional)",
        "--by",
        "sysadmin",
        stdout=out,
    )
    assert "Reset two-factor sign-in for alice" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    reset = events(SecurityAction.TWO_FACTOR_RESET, user=alice)
    assert len(reset) == 1
    assert reset[0].actor == admin_user and reset[0].detail == "Lost phone (fictional)"
    # At the next sign-in they set up a new authenticator.
    response = password_only(client, "alice")
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_a_reset_needs_a_reason(alice, admin_user):
    authenticator_for(alice)
    with pytest.raises(CommandError, match="--reason"):
        call_command(
            "reset_two_factor", "alice", "--reason", "  ", "--by", "sysadmin", stdout=StringIO()
        )
    assert TOTPDevice.objects.filter(user=alice).exists()


def test_a_reset_ends_a_verified_session_at_its_next_request(alice, admin_user):
    signed_in = Client()
    signed_in.force_login(alice)
    assert signed_in.get("/").status_code == 200
    call_command("reset_two_factor", "alice", "--reason", "Stolen phone", "--by", "sysadmin")
    response = signed_in.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_an_administrator_resets_two_factor_in_the_admin_giving_a_reason(
    sysadmin_client, alice, admin_user
):
    authenticator_for(alice)
    url = "/admin/accounts/user/"
    ask = sysadmin_client.post(url, {"action": "reset_two_factor", "_selected_action": [alice.pk]})
    assert ask.status_code == 200
    assert "Reason (kept in the audit)" in ask.content.decode()
    assert TOTPDevice.objects.filter(user=alice).exists()
    no_reason = sysadmin_client.post(
        url, {"action": "reset_two_factor", "_selected_action": [alice.pk], "confirm": "yes"}
    )
    assert "Say why" in no_reason.content.decode()
    assert TOTPDevice.objects.filter(user=alice).exists()
    done = sysadmin_client.post(
        url,
        {
            "action": "reset_two_factor",
            "_selected_action": [alice.pk],
            "confirm": "yes",
            "reason": "New phone (fictional)",
        },
    )
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    reset = events(SecurityAction.TWO_FACTOR_RESET, user=alice)
    assert reset[0].actor == admin_user and reset[0].detail == "New phone (fictional)"


def test_the_admin_never_shows_second_factor_secrets(sysadmin_client, alice):
    device = authenticator_for(alice)
    assert sysadmin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    page = sysadmin_client.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()
    assert device.key not in page
