from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mace.access import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which sections the service navigation offers this user, asked of the access policy (and
    only when a page shows the navigation)."""
    user = getattr(request, "user", None)
    return {
        "nav_audit": SimpleLazyObject(lambda: policy.can_view_audit(user)),
        "nav_mace": SimpleLazyObject(lambda: policy.mace_panel_quadrant_id(user) is not None),
        "nav_meetings": SimpleLazyObject(lambda: policy.works_on_mace(user)),
        "nav_referrals": SimpleLazyObject(lambda: policy.sees_case_content(user)),
    }
