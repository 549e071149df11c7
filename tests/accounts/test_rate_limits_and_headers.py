"""Rate limits on signing in and on the API (429, counted in the shared cache), and the
security headers on every answer."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from mace.access.choices import SecurityAction
from tests.accounts import events, password_only
from tests.api import bearer, token_for


def test_sign_in_attempts_from_one_address_are_limited(client, alice, settings):
    settings.MACE_RATE_LIMIT_SIGN_IN = 3
    for _ in range(3):
        assert password_only(client, "nobody-fictional").status_code == 200
    response = password_only(client, "alice")
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "Too many attempts to sign in" in html
    assert "_auth_user_id" not in client.session
    password_only(client, "alice")
    assert len(events(SecurityAction.RATE_LIMITED)) == 1, "recorded once a window"
    # Another address is not held up, and reading the page is not limited.
    assert password_only(Client(REMOTE_ADDR="192.0.2.20"), "alice").status_code == 302
    assert client.get(reverse("accounts:login")).status_code == 200


def test_api_requests_per_token_are_limited_with_a_json_429(alice, bob, settings):
    settings.MACE_RATE_LIMIT_API = 2
    raw = token_for(alice)
    client = Client()
    for _ in range(2):
        assert client.get("/api/v1/children", headers=bearer(raw)).status_code == 200
    response = client.get("/api/v1/children", headers=bearer(raw))
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many requests: at most 2 a minute")
    assert 0 < int(response["Retry-After"]) <= 60
    assert len(events(SecurityAction.RATE_LIMITED)) == 1
    # Another user's token has its own count.
    assert client.get("/api/v1/children", headers=bearer(token_for(bob))).status_code == 200


def test_api_requests_per_signed_in_user_are_limited(client, alice, settings):
    settings.MACE_RATE_LIMIT_API = 1
    client.force_login(alice)
    assert client.get("/api/v1/children").status_code == 200
    assert client.get("/api/v1/children").status_code == 429
    # Pages are not counted against the API's limit.
    assert client.get("/").status_code == 200


def test_the_default_limits(settings):
    assert settings.MACE_RATE_LIMIT_SIGN_IN == 20
    assert settings.MACE_RATE_LIMIT_API == 600


@pytest.mark.parametrize("persona", [None, "alice"])
def test_every_page_carries_the_security_headers(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get("/" if persona else reverse("accounts:login"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert (
        "Strict-Transport-Security" not in response
    )  # not over plain HTTP, not outside production
    if persona:
        assert response["Cache-Control"] == "no-store"


def test_the_api_carries_the_security_headers(alice):
    response = Client().get("/api/v1/children", headers=bearer(token_for(alice)))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_hsts_is_sent_over_https_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_cookies_are_httponly_lax_and_secure_outside_debug(client, alice):
    assert django_settings.SESSION_COOKIE_HTTPONLY
    assert django_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert django_settings.SESSION_COOKIE_SECURE and django_settings.CSRF_COOKIE_SECURE
    csrf = client.get(reverse("accounts:login")).cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    session = password_only(client, "alice").cookies["sessionid"]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_password_rules(settings):
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] == 12
    # Tests swap in a fast hasher; the platform's own setting is Argon2.
    from mace import settings as platform_settings

    assert platform_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _settings_load(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MACE_")}
    environment.update(env, MACE_SECRET_KEY="fictional-secret-key-for-a-settings-test")
    return subprocess.run(
        [sys.executable, "-c", "import mace.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_demo_two_factor_skip_is_refused_in_production():
    refused = _settings_load(MACE_PRODUCTION="1", MACE_DEMO_SKIP_TWO_FACTOR="1")
    assert refused.returncode != 0
    assert "MACE_DEMO_SKIP_TWO_FACTOR" in refused.stderr
    assert _settings_load(MACE_DEMO_SKIP_TWO_FACTOR="1").returncode == 0
    assert _settings_load(MACE_PRODUCTION="1").returncode == 0
