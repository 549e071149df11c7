"""The interactive API docs at /api/v1/docs render in the browser under the strict Content
Security Policy (the audited_page fixture fails the test on any CSP error) and list the routes.
The page is Swagger UI's, not ours, so it is not held to the axe-core audit."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_with_every_route(audited_page, alice):
    sign_in(audited_page, "alice", TEST_PASSWORD)
    page = audited_page.page
    page.goto(f"{audited_page.base_url}/api/v1/docs")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "MACE platform API" in title.inner_text()
    routes = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/children" in routes
    assert "/api/v1/children/{child_id}/concerns" in routes
    assert "/api/v1/concerns/{concern_id}" in routes
