"""What other apps' pages show of intelligence: the "People, places and vehicles" section of a
child's page, and the dashboard's panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from mace.access import policy
from mace.access.choices import IntelligenceReach
from mace.intelligence import selectors

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child


def child_section(user: User, child: Child, *, writes: bool | None = None) -> dict[str, Any] | None:
    """The section of a child's page, for a reader who may see the child (they are on its page)
    and intelligence; None for anyone else. A fixed number of queries. `writes`: whether the
    reader may write about the child (policy.can_write_for_child), when the page already asked."""
    if not policy.sees_links_to_children(user):
        return None
    return {
        "links": selectors.links_for_child(user, child),
        "can_add": policy.can_link_child(user, child, writes=writes),
        "add_url": reverse("intelligence:child_link_add", args=[child.pk]),
    }


def dashboard_panel(user: User) -> dict[str, Any] | None:
    """The dashboard's panel: where to find the records, and how many the user may see."""
    if not policy.sees_intelligence(user):
        return None
    counts = selectors.record_counts(user)
    return {
        "url": reverse("intelligence:index"),
        "district": policy.intelligence_reach(user) == IntelligenceReach.DISTRICT,
        "area": user.agency.area if user.agency else None,
        "counts": [
            {
                "label": info.title_plural,
                "count": counts[kind],
                "url": reverse(f"intelligence:{kind}_list"),
            }
            for kind, info in selectors.KINDS.items()
            if counts[kind] is not None
        ],
    }
