"""API tests: real HTTP through django.test.Client and the whole middleware stack, a real
database, no mocks. Every route has its allowed user, the anonymous caller (401), the outsiders
(404 and a refused access event), bad input (422 with field errors and nothing written), session
POSTs without CSRF (refused) and personal tokens (accepted; revoked or expired: 401).

Each app's API tests live with the app (tests/<app>/test_api*.py); this package holds the suites
about the API as a whole (every route, bad input, the OpenAPI fuzz) and the helpers they all
share, kept here rather than in a conftest so that each test file says what it uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from django.utils import timezone

from mace.access.choices import AccessOutcome
from mace.access.models import AccessEvent
from mace.accounts.models import ApiToken
from mace.concerns.models import Concern, ConcernIndicator, ConcernRoute
from mace.people.identifiers import nhs_number_with_check, upn_with_check
from mace.people.models import (
    AgencyInvolvement,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChronologyEntry,
)
from tests.clock import today as today

API = "/api/v1"

# NHS numbers from 999 000 0000 up are never issued to a real person (NHS Digital's test range).
FICTIONAL_NHS_NUMBER = nhs_number_with_check("999000001")
FICTIONAL_UPN = upn_with_check("999999000001")
assert FICTIONAL_NHS_NUMBER is not None


def signed_in(user: Any, *, enforce_csrf: bool = False) -> Client:
    """A browser session for the user (session authentication)."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def with_csrf_token(client: Client) -> dict[str, str]:
    """Give the client a CSRF cookie, as a page would, and return the header a script sends."""
    request = HttpRequest()
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    return {"X-CSRFToken": token}


def token_for(user: Any, *, expires_at: dt.datetime | None = None, revoked: bool = False) -> str:
    """A personal API token for the user; only its hash is stored, as issue_token does."""
    raw, key_hash = ApiToken.new_secret()
    ApiToken.objects.create(
        user=user,
        key_hash=key_hash,
        hint=raw[:12],
        expires_at=expires_at or timezone.now() + ApiToken.DEFAULT_LIFETIME,
        revoked_at=timezone.now() if revoked else None,
    )
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def call(
    client: Client,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    if method == "get":
        return client.get(path, headers=headers)
    send = {"patch": client.patch, "put": client.put}.get(method, client.post)
    return send(path, body or {}, content_type="application/json", headers=headers)


def field_errors(response: Any) -> dict[str, list[str]]:
    """The 422 body as {field: [messages]}."""
    assert response.status_code == 422, (response.status_code, response.content)
    errors: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        errors.setdefault(error["field"], []).append(error["message"])
    return errors


def refused_events(user: Any, child: Any = None, action: str | None = None) -> int:
    events = AccessEvent.objects.filter(user=user, outcome=AccessOutcome.REFUSED)
    if child is not None:
        events = events.filter(child=child)
    if action:
        events = events.filter(action=action)
    return events.count()


def allowed_events(user: Any, child: Any, action: str | None = None) -> int:
    events = AccessEvent.objects.filter(user=user, child=child, outcome=AccessOutcome.ALLOWED)
    if action:
        events = events.filter(action=action)
    return events.count()


def row_counts() -> dict[str, int]:
    """How many rows each table a route can write holds, to show that nothing was written."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Child,
            ChildIdentifier,
            ChildAddress,
            AgencyInvolvement,
            ChronologyEntry,
            Concern,
            ConcernIndicator,
            ConcernRoute,
        )
    }


def concern_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "narrative": "Seen getting into a car with older, unknown adults (fictional).",
        "indicators": [
            {
                "indicator": "multiple-phones",
                "seen_on": (today() - dt.timedelta(days=2)).isoformat(),
                "source": "observed",
                "note": "Two phones",
            },
            {
                "indicator": "older-associates",
                "seen_on": (today() - dt.timedelta(days=1)).isoformat(),
                "source": "child",
                "note": "",
            },
        ],
        "routes": [
            {"route": "police", "target_date": (today() + dt.timedelta(days=3)).isoformat()}
        ],
    }
    body.update(overrides)
    return body
