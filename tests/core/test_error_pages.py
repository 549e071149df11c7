"""Errors show the service's own pages with the demo's settings (DEBUG off), through the real
middleware: no traceback, no list of routes, no text from the exception. Under /api/ the answer
is JSON. And `make demo` itself does not switch debug pages on."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.core.raising_urls import SECRET

ROOT = Path(__file__).resolve().parents[2]
LEAKS = ("Traceback", "RuntimeError", SECRET, "URLconf", "Using the URLconf", "DEBUG = True")


@pytest.fixture
def demo(settings):
    """The settings `make demo` runs with, on the test URL tree with the failing views."""
    settings.DEBUG = False
    settings.MACE_DEMO = True
    settings.ROOT_URLCONF = "tests.core.raising_urls"
    return settings


def _assert_no_leak(html: str) -> None:
    for leak in LEAKS:
        assert leak not in html, leak


def test_an_unknown_page_is_the_services_404(client, alice, demo):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "govuk-template__body" in html
    _assert_no_leak(html)


def test_a_failing_page_is_the_services_500_without_a_traceback(alice, demo):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.get("/test-only/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    _assert_no_leak(html)


def test_a_refusal_is_the_services_403_with_its_own_words(alice, demo):
    client = Client()
    client.force_login(alice)
    response = client.get("/test-only/refuse/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do this" in html and "Your role does not include this" in html
    _assert_no_leak(html)


def test_a_bad_request_is_the_services_400(alice, demo):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.get("/test-only/suspicious/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sorry, there is a problem with the request" in html
    _assert_no_leak(html)


def test_under_the_api_errors_are_json(alice, demo):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    missing = client.get("/api/v1/no-such-route/")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")
    assert "detail" in missing.json()
    failing = client.get("/api/v1/test-only/explode/")
    assert failing.status_code == 500
    assert failing.json() == {"detail": "Sorry, there is a problem with the service"}
    _assert_no_leak(failing.content.decode())


def _demo_server_command() -> str:
    """The line `make demo` starts the web server with, as make would run it (`make -n`)."""
    out = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in out.splitlines() if "runserver" in line]
    assert len(lines) == 1, out
    return lines[0]


def test_make_demo_does_not_switch_debug_on():
    line = _demo_server_command()
    assert not re.search(r"MACE_DEBUG=(1|true|yes|on)\b", line, re.IGNORECASE), line
    assert "MACE_DEBUG=0" in line


def test_the_demo_servers_settings_have_debug_off_and_cookies_that_work_over_http():
    """Load the settings with exactly the variables the demo's server line sets."""
    line = _demo_server_command()
    assignments = dict(
        word.split("=", 1)
        for word in shlex.split(line.split("runserver")[0])
        if re.fullmatch(r"MACE_[A-Z_]+=.*", word)
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MACE_")} | assignments
    env["DJANGO_SETTINGS_MODULE"] = "mace.settings"
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.MACE_DEMO, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.WHITENOISE_USE_FINDERS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    debug, is_demo, secure_session, secure_csrf, finders = json.loads(out.strip().splitlines()[-1])
    assert debug is False and is_demo is True
    assert secure_session is False and secure_csrf is False
    assert finders is True


def test_static_files_are_served_with_debug_off(client, demo):
    """WhiteNoise finds them without collectstatic, as the demo needs."""
    response = client.get("/static/govuk/govuk-frontend.min.css")
    assert response.status_code == 200
    assert b"govuk" in b"".join(response.streaming_content)
