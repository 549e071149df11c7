"""Roles: which roles work with children's case content, and which need a second person.

- A child is visible to users whose agency is involved with the child (it recorded something
  about them or is allocated to them), when the user holds a role that works with case content
  (children.py says which children).
- System administrators, district council / CSP officers, board members, analysts and workforce
  leads see no child case content.
- Two people give power: a role that sees case content, the data protection role or superuser
  takes effect only when someone other than the person who asked for it (and other than the
  account's holder) approves it (oversight.py says who). Taking a role away needs nobody's
  approval.
"""

from __future__ import annotations

from mace.accounts.choices import Role
from mace.accounts.models import User

__all__ = [
    "CASE_ROLES",
    "NO_CASE_CONTENT_ROLES",
    "ROLES_NEEDING_APPROVAL",
    "role_needs_approval",
    "sees_case_content",
]

# Roles whose work is individual children's cases.
CASE_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.AGENCY_MANAGER,
        Role.MACE_CHAIR,
        Role.MACE_COORDINATOR,
        Role.SERVICE_WORKER,
    }
)
# Roles that never see a child's case content, whatever else they hold.
NO_CASE_CONTENT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DISTRICT_OFFICER, Role.BOARD_MEMBER})


def sees_case_content(user: User | None) -> bool:
    """Whether the user's roles let them see children's case content at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.agency_id is None:
        return False
    roles = user.role_set
    if roles & NO_CASE_CONTENT_ROLES:
        return False
    return bool(roles & CASE_ROLES)


# Roles whose granting needs a second person's approval (mace.accounts.services): every role
# that sees case content, and the data protection role (it reads every child's audit and
# approves these requests itself). Superuser needs approval too.
ROLES_NEEDING_APPROVAL = CASE_ROLES | {Role.DATA_PROTECTION}


def role_needs_approval(role: str) -> bool:
    return role in ROLES_NEEDING_APPROVAL
