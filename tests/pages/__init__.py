"""Page tests: every server-rendered page for the allowed user, the anonymous visitor, the outsider
(404 and a refused access event) and bad input (error summary, values kept, nothing written).

Each app's page tests live with the app (tests/<app>/test_pages*.py); this package holds only the
helpers they share, kept here rather than in a conftest so that each test file says what it uses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from mace.access.choices import AccessOutcome
from mace.access.models import AccessEvent
from tests.clock import today as today


def date_parts(prefix: str, day: dt.date | None) -> dict[str, str]:
    """The three boxes of a GOV.UK date input, as a browser posts them."""
    if day is None:
        return {f"{prefix}-day": "", f"{prefix}-month": "", f"{prefix}-year": ""}
    return {
        f"{prefix}-day": str(day.day),
        f"{prefix}-month": str(day.month),
        f"{prefix}-year": str(day.year),
    }


def assert_sign_in_redirect(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def assert_error_summary(html: str, *anchors: str) -> None:
    """The GOV.UK error summary is on the page, the title says Error, and each anchor is linked
    and exists as an element id."""
    assert 'class="govuk-error-summary"' in html
    assert re.search(r"<title>\s*Error: ", html)
    for anchor in anchors:
        assert f'href="#{anchor}"' in html, anchor
        assert f'id="{anchor}"' in html, anchor


def refused_events(user: Any, child: Any) -> int:
    return AccessEvent.objects.filter(user=user, child=child, outcome=AccessOutcome.REFUSED).count()


def allowed_events(user: Any, child: Any, action: str | None = None) -> int:
    events = AccessEvent.objects.filter(user=user, child=child, outcome=AccessOutcome.ALLOWED)
    if action:
        events = events.filter(action=action)
    return events.count()
