"""The idle timeout: a session with no request for MACE_IDLE_TIMEOUT_MINUTES is signed out,
recorded, and told why on the sign-in page; "Stay signed in" keeps it going."""

from __future__ import annotations

import time

from django.urls import reverse

from mace.access.choices import SecurityAction
from mace.accounts.middleware import LAST_SEEN
from tests.accounts import events


def idle_for(client, seconds: int) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_the_timeout_is_thirty_minutes_by_default(settings):
    assert settings.MACE_IDLE_TIMEOUT_MINUTES == 30


def test_a_session_idle_too_long_is_signed_out_recorded_and_told_why(client, alice):
    client.force_login(alice)
    idle_for(client, 31 * 60)
    response = client.get("/children/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/children/"
    assert "_auth_user_id" not in client.session
    expired = events(SecurityAction.SESSION_EXPIRED, user=alice)
    assert len(expired) == 1
    assert events(SecurityAction.SIGNED_OUT) == []
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in page


def test_a_session_used_within_the_timeout_carries_on(client, alice):
    client.force_login(alice)
    idle_for(client, 29 * 60)
    assert client.get("/").status_code == 200
    # The request counted as activity.
    assert int(time.time()) - client.session[LAST_SEEN] < 5


def test_the_timeout_follows_the_setting(client, alice, settings):
    settings.MACE_IDLE_TIMEOUT_MINUTES = 10
    client.force_login(alice)
    idle_for(client, 11 * 60)
    assert client.get("/").status_code == 302
    assert events(SecurityAction.SESSION_EXPIRED, user=alice)[0].detail == (
        "No activity for 10 minutes"
    )


def test_the_api_answers_401_after_the_timeout(client, alice):
    client.force_login(alice)
    idle_for(client, 31 * 60)
    assert client.get("/api/v1/children").status_code == 401


def test_stay_signed_in_resets_the_clock(client, alice):
    client.force_login(alice)
    idle_for(client, 28 * 60)
    response = client.post(reverse("accounts:keep_alive"))
    assert response.status_code == 204
    assert int(time.time()) - client.session[LAST_SEEN] < 5
    assert client.get(reverse("accounts:keep_alive")).status_code == 405


def test_pages_carry_the_timeout_for_the_warning_script(client, alice):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'data-idle-timeout-seconds="1800"' in html
    assert 'data-idle-warning-seconds="120"' in html
    assert '<script type="module" src="/static/js/idle-timeout.js"></script>' in html
    assert 'role="alertdialog"' in html and "Stay signed in" in html


def test_the_sign_in_page_has_no_timeout_warning(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "idle-timeout.js" not in html and "data-idle-timeout-seconds" not in html
