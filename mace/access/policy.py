"""The access policy: the one place that decides who may see and do what.

Every page, API route, export and search asks this module. Rules for now:
- a child is visible to users whose agency is involved with the child (it recorded something
  about them or is allocated to them), when the user holds a role that works with case content;
- system administrators, district council / CSP officers, board members, analysts and workforce
  leads see no child case content;
- any user who works with case content may record a concern (which involves their agency) and
  may be told that a record exists when they give an exact identifier of a child they cannot see,
  so nobody creates a duplicate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from mace.accounts.choices import Role

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child, ChronologyEntry

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


def can_record_concern(user: User | None) -> bool:
    return sees_case_content(user)


def can_create_child(user: User | None) -> bool:
    return sees_case_content(user)


def scope_children(user: User | None, queryset: QuerySet[Child]) -> QuerySet[Child]:
    """The children in `queryset` this user may see."""
    if not sees_case_content(user):
        return queryset.none()
    from mace.people.models import AgencyInvolvement

    assert user is not None and user.agency_id is not None
    involved = AgencyInvolvement.objects.filter(
        child=OuterRef("pk"), agency_id=user.agency_id, ended_at__isnull=True
    )
    return queryset.filter(Exists(involved))


def can_view_child(user: User | None, child: Child) -> bool:
    from mace.people.models import Child as ChildModel

    return scope_children(user, ChildModel.objects.filter(pk=child.pk)).exists()


def can_change_child(user: User | None, child: Child) -> bool:
    return can_view_child(user, child)


def can_amend_entry(user: User | None, entry: ChronologyEntry) -> bool:
    """Only the agency that made a chronology entry may correct it (by amendment)."""
    return (
        user is not None and user.agency_id == entry.agency_id and can_view_child(user, entry.child)
    )


def visible_child_or_404(user: User | None, child_id: int) -> Child:
    """The child, if this user may see them; otherwise 404, as if there were no such child."""
    from mace.people.models import Child

    child = (
        scope_children(user, Child.objects.select_related("area__quadrant"))
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        raise Http404("No child found")
    return child
