"""Missing (mace.missing): missing episodes, return home interviews, the police import and the
SSDA903 export.

- Episodes, gradings and return interviews are part of the child's record: whoever may see the
  child reads them (a break-glass grant included).
- Recording, closing, correcting or regrading an episode, and recording the return interview,
  is a write about the child (can_write_for_child): never under a break-glass grant.
- Police practitioners and managers import their force's missing persons extract; managers in
  children's social care export the SSDA903 return for the children their agency works with.
"""

from __future__ import annotations

from mace.access.policy.children import can_view_child, can_write_for_child
from mace.access.policy.roles import sees_case_content
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.people.models import Child
from mace.reference.choices import AgencyType

__all__ = [
    "can_export_903",
    "can_import_missing",
    "can_record_missing",
    "can_view_missing",
]


def can_view_missing(user: User | None, child: Child) -> bool:
    """Episodes, gradings and return interviews are part of the child's record: whoever may see
    the child reads them (a break-glass grant included)."""
    return can_view_child(user, child)


def can_record_missing(user: User | None, child: Child) -> bool:
    """Recording an episode, closing or correcting it, regrading it, or recording the return
    interview: as for any write about a child (can_write_for_child). It involves the actor's
    agency, so it is no way round need-to-know. A break-glass grant does not count: emergency
    access is read-only for its whole duration; someone who finds the child missing under a
    grant reports it to an agency that works with the child (or the police), who record it."""
    return can_write_for_child(user, child)


def _agency_type(user: User) -> str | None:
    return user.agency.type if user.agency_id is not None and user.agency else None


def can_import_missing(user: User | None) -> bool:
    """Bulk import of episodes from a police CSV: practitioners and managers of a police force.
    The file is the force's own missing persons extract, and each row still needs sight of the
    child it names."""
    if not sees_case_content(user):
        return False
    assert user is not None
    return bool(user.role_set & {Role.PRACTITIONER, Role.AGENCY_MANAGER}) and (
        _agency_type(user) == AgencyType.POLICE
    )


def can_export_903(user: User | None) -> bool:
    """The SSDA903 return is the local authority's: managers in a children's social care agency
    export it, for the children their agency works with (scope_children)."""
    if not sees_case_content(user):
        return False
    assert user is not None
    return Role.AGENCY_MANAGER in user.role_set and (
        _agency_type(user) == AgencyType.CHILDRENS_SOCIAL_CARE
    )
