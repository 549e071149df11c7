"""Walks every URL pattern: an anonymous request to any page is sent to sign in, and to any API
route answers 401. A new route that forgets authentication fails here."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages meant for people who are not signed in.
PUBLIC = {"accounts:login"}
# The API's schema and docs are public so that integrators can read them; Ninja's root view, and
# any other path under /api/ (mace.urls' api_not_found), answer a JSON 404 and show nothing.
PUBLIC_API = {"api:openapi-json", "api:openapi-view", "api:api-root", "api_not_found"}


def _walk(patterns, prefix="", namespace=""):  # type: ignore[no-untyped-def]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}"


def _concrete(route: str) -> str:
    path = re.sub(r"<(?:int:)?[a-z_]+>", "1", route)
    path = re.sub(r"<[a-z]+:[a-z_]+>", "x", path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


ROUTES = [
    (path, name)
    for path, name in ((_concrete(r), n) for r, n in _walk(get_resolver().url_patterns))
    if not path.startswith("/admin/") and name not in PUBLIC | PUBLIC_API and "(?P" not in path
]


def test_the_walk_finds_the_pages_and_the_api():
    names = {name for _, name in ROUTES}
    assert {"dashboard:home", "people:detail", "concerns:record"} <= names
    assert any(path.startswith("/api/v1/") for path, _ in ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[n for _, n in ROUTES])
def test_an_anonymous_request_is_refused(client, path, name):
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if path.startswith("/api/"):
            assert response.status_code in (401, 405), (method, path, response.status_code)
        else:
            assert response.status_code in (302, 405), (method, path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/sign-in/"), response["Location"]
