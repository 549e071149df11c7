"""The absolute session limit: MACE_SESSION_SECONDS after signing in the session ends, however
busy it has been, is recorded, and the user is told why; the API answers 401. The clock is
moved by editing the sign-in time the session keeps, and activity is real requests."""

from __future__ import annotations

import time

from django.urls import reverse

from mace.access.choices import SecurityAction
from mace.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from tests.accounts import events, password_only


def signed_in_ago(client, seconds: int) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - seconds
    session.save()


def test_signing_in_records_the_time_in_the_session(client, board):
    # The board member is asked for no second factor: the password alone signs them in.
    password_only(client, board.username)
    assert abs(int(time.time()) - client.session[SIGNED_IN_AT]) < 5


def test_activity_does_not_extend_the_session_past_its_limit(client, alice, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client.force_login(alice)
    # Seven hours and fifty-nine minutes in, busy all along: every request is activity, and
    # the idle clock is kept fresh by the requests (and the "Stay signed in" button).
    signed_in_ago(client, 8 * 60 * 60 - 60)
    for _ in range(3):
        assert client.get("/children/").status_code == 200
        assert client.post(reverse("accounts:keep_alive")).status_code == 204
    assert int(time.time()) - client.session[LAST_SEEN] < 5
    # A minute later (the sign-in time unchanged by all that activity) it ends.
    assert int(time.time()) - client.session[SIGNED_IN_AT] >= 8 * 60 * 60 - 60
    signed_in_ago(client, 8 * 60 * 60)
    response = client.get("/children/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/children/"
    assert "_auth_user_id" not in client.session
    ended = events(SecurityAction.SESSION_LIMIT, user=alice)
    assert len(ended) == 1 and ended[0].detail == "Signed in more than 8 hours ago"
    assert events(SecurityAction.SIGNED_OUT) == []
    assert events(SecurityAction.SESSION_EXPIRED) == []
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because a session lasts at most 8 hours" in page


def test_the_limit_follows_the_setting(client, alice, settings):
    settings.SESSION_COOKIE_AGE = 90 * 60
    client.force_login(alice)
    signed_in_ago(client, 89 * 60)
    assert client.get("/").status_code == 200
    signed_in_ago(client, 90 * 60)
    assert client.get("/").status_code == 302
    assert events(SecurityAction.SESSION_LIMIT, user=alice)[0].detail == (
        "Signed in more than 1 hour 30 minutes ago"
    )


def test_the_api_answers_401_after_the_limit_however_active(client, alice):
    client.force_login(alice)
    signed_in_ago(client, 8 * 60 * 60 - 30)
    assert client.get("/api/v1/children").status_code == 200
    signed_in_ago(client, 8 * 60 * 60 + 1)
    assert client.get("/api/v1/children").status_code == 401
    assert len(events(SecurityAction.SESSION_LIMIT, user=alice)) == 1
    # Signed out for good: the next request is not signed in either, and is not recorded again.
    assert client.get("/api/v1/children").status_code == 401
    assert len(events(SecurityAction.SESSION_LIMIT, user=alice)) == 1


def test_a_signed_in_session_without_a_sign_in_time_ends(client, alice):
    # A session from before the limit was kept: its age is unknown, so it cannot go on.
    client.force_login(alice)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get("/children/").status_code == 302
    assert len(events(SecurityAction.SESSION_LIMIT, user=alice)) == 1


def test_signing_in_again_starts_a_new_session_clock(client, alice):
    client.force_login(alice)
    signed_in_ago(client, 9 * 60 * 60)
    assert client.get("/").status_code == 302
    client.force_login(alice)
    assert client.get("/").status_code == 200
