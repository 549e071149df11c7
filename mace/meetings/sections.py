"""What other apps' pages show of MACE meetings: the dashboard's panel (the user's MACE actions,
overdue first, and their coming meetings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from mace.access import policy
from mace.meetings import selectors

if TYPE_CHECKING:
    from mace.accounts.models import User

SHOWN = 5


def dashboard_panel(user: User) -> dict[str, Any] | None:
    """The user's open MACE actions (their agency's and their own, soonest due first, the
    overdue ones flagged) and the next meetings they are a member of. A fixed number of
    queries; None for someone whose role has no MACE work."""
    if not policy.works_on_mace(user):
        return None
    from django.db.models import Q

    today = timezone.localdate()
    owned = selectors.actions_list(user).filter(
        Q(owner_agency_id=user.agency_id) | Q(owner_id=user.pk)
    )
    return {
        "actions": list(owned[:SHOWN]),
        "open": owned.count(),
        "overdue": owned.filter(due_on__lt=today).count(),
        "meetings": list(selectors.upcoming(user)[:3]),
        "today": today,
        # --- disruption ---
        "disruption_url": reverse("disruption:list") if policy.can_list_disruption(user) else "",
    }
