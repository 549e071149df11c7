"""The Content Security Policy allows no inline script or style, so no template may carry any."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = sorted(Path(settings.BASE_DIR, "mace").glob("**/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_has_inline_script_or_style(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script> without src"
    assert ' style="' not in text and "<style" not in text.lower()


def test_the_inline_script_check_catches_what_it_should():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script type="module" src="/static/js/app.js"></script>')


@pytest.mark.parametrize("persona", [None, "alice"])
def test_pages_carry_a_content_security_policy_without_unsafe_inline(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse("dashboard:home"))
    else:
        response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_page_loads_govuk_frontend_through_a_module(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<script type="module" src="/static/js/app.js"></script>' in html
    assert "/static/govuk/govuk-frontend.min.css" in html
    assert 'class="govuk-template__body"' in html


def test_the_demo_banner_shows_only_in_a_demo(client, db, settings):
    assert "synthetic" not in client.get(reverse("accounts:login")).content.decode()
    settings.MACE_DEMO = True
    assert "synthetic" in client.get(reverse("accounts:login")).content.decode()


def test_a_missing_page_uses_the_govuk_404_page(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
