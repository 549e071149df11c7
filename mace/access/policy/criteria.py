"""The MACE criteria (mace.criteria): which children the quadrant's panel must consider.

- The MACE chairs and coordinator of a quadrant see its list of children who meet the MACE
  criteria, and those children's records (scope_children), whichever agencies work with them:
  the panel's multi-agency oversight of the most vulnerable children is what MACE is for.
- Everyone who sees a child sees whether, and why, they meet the criteria.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from mace.access.policy.roles import sees_case_content
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.criteria.models import Eligibility

__all__ = [
    "MACE_PANEL_ROLES",
    "can_view_mace_list",
    "mace_panel_quadrant_id",
]

MACE_PANEL_ROLES = frozenset({Role.MACE_CHAIR, Role.MACE_COORDINATOR})


def mace_panel_quadrant_id(user: User | None) -> int | None:
    """The quadrant whose MACE panel this user chairs or coordinates, if any."""
    if not sees_case_content(user):
        return None
    assert user is not None
    if not user.role_set & MACE_PANEL_ROLES:
        return None
    return user.quadrant_id


def can_view_mace_list(user: User | None, quadrant_id: int) -> bool:
    return quadrant_id is not None and mace_panel_quadrant_id(user) == quadrant_id


def _on_mace_list(user: User) -> Exists | None:
    """Children on the list of the quadrant whose panel the user sits on (None if none)."""
    quadrant_id = mace_panel_quadrant_id(user)
    if quadrant_id is None:
        return None
    return Exists(Eligibility.objects.filter(child=OuterRef("pk"), quadrant_id=quadrant_id))
