"""Children: who sees a child's record, who writes about them, and emergency (break-glass) access.

- A child is visible to users whose agency is involved with the child (it recorded something
  about them or is allocated to them), when the user holds a role that works with case content
  (roles.py), and to the MACE chairs and coordinator of a quadrant for the children on its MACE
  list (criteria.py).
- Any user who works with case content may record a concern about a child they see other than
  through a break-glass grant (which involves their agency), and may be told that a record
  exists, and which agencies to contact, when they give an exact strong identifier (NHS number,
  UPN, local authority or police reference) together with the matching date of birth of a child
  they cannot see, so nobody creates a duplicate; never for a MACE reference or a name.
- Break-glass: such a user may take emergency access to that child for a limited time on a
  stated reason; while the grant lasts they may read the record and nothing else: everything
  that writes about a child asks can_write_for_child, which a grant never satisfies, so a grant
  never involves their agency and leaves nothing behind when it ends.
- A restricted chronology entry or concern is read only by the author's agency and the MACE
  chairs of the child's quadrant; everyone else who sees the child sees that it exists.
- Only the agency that made a chronology entry may correct it (by amendment).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from mace.access.models import BreakGlassGrant
from mace.access.policy.criteria import _on_mace_list
from mace.access.policy.roles import sees_case_content
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.concerns.models import Concern
from mace.people.models import AgencyInvolvement, Child, ChronologyEntry

__all__ = [
    "READ_ONLY_UNDER_GRANT",
    "active_break_glass_grants",
    "break_glass_grant_for",
    "can_amend_entry",
    "can_change_child",
    "can_create_child",
    "can_read_entry",
    "can_read_restricted",
    "can_record_concern",
    "can_request_break_glass",
    "can_view_child",
    "can_write_for_child",
    "caseload",
    "scope_children",
    "sees_only_through_grant",
    "visible_child_or_404",
]


def can_record_concern(user: User | None) -> bool:
    """Whether the user's roles let them record concerns at all; about one child, they also
    need can_write_for_child."""
    return sees_case_content(user)


def can_create_child(user: User | None) -> bool:
    return sees_case_content(user)


def can_request_break_glass(user: User | None) -> bool:
    """Anyone who works with case content may ask for emergency access to a child."""
    return sees_case_content(user)


def _involved(user: User) -> Exists:
    assert user.agency_id is not None
    return Exists(
        AgencyInvolvement.objects.filter(
            child=OuterRef("pk"), agency_id=user.agency_id, ended_at__isnull=True
        )
    )


def active_break_glass_grants(user: User | None) -> QuerySet[BreakGlassGrant]:
    """The user's break-glass grants that still give access now."""
    if user is None or not user.is_authenticated:
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(
        user=user, expires_at__gt=timezone.now(), ended_at__isnull=True
    )


def scope_children(user: User | None, queryset: QuerySet[Child]) -> QuerySet[Child]:
    """The children in `queryset` this user may see: those their agency is involved with, those
    they hold a live break-glass grant for, and, for a quadrant's MACE chairs and coordinator,
    the children on its MACE list."""
    if not sees_case_content(user):
        return queryset.none()
    assert user is not None and user.agency_id is not None
    granted = Exists(active_break_glass_grants(user).filter(child=OuterRef("pk")))
    visible = _involved(user) | granted
    panel = _on_mace_list(user)
    return queryset.filter(visible | panel if panel is not None else visible)


def caseload(user: User | None) -> QuerySet[AgencyInvolvement]:
    """The live involvements of the user's agency: children the user sees through it (a part of
    scope_children, without grants or the MACE list). Lists drawn from an agency's own caseload
    start here, so they are read through the agency's index rather than checked child by child."""
    if not sees_case_content(user):
        return AgencyInvolvement.objects.none()
    assert user is not None and user.agency_id is not None
    return AgencyInvolvement.objects.filter(agency_id=user.agency_id, ended_at__isnull=True)


def can_view_child(user: User | None, child: Child) -> bool:
    return scope_children(user, Child.objects.filter(pk=child.pk)).exists()


def break_glass_grant_for(
    user: User | None, child: Child, *, writes: bool | None = None
) -> BreakGlassGrant | None:
    """The live grant through which the user sees this child, when that is the only way they
    see them (the child's page says so, offers nothing that writes, and offers to give it up).
    `writes` is can_write_for_child's answer when the caller already has it."""
    if not sees_case_content(user):
        return None
    if can_write_for_child(user, child) if writes is None else writes:
        return None
    return active_break_glass_grants(user).filter(child=child).order_by("-expires_at").first()


def _sees_without_grant(user: User | None, child: Child, *, panel: bool) -> bool:
    """Case content and sight of the child through their agency's involvement (and, with
    `panel`, through the MACE list of the quadrant whose panel they sit on): never a grant."""
    if not sees_case_content(user):
        return False
    assert user is not None
    sight = _involved(user)
    on_list = _on_mace_list(user) if panel else None
    return (
        Child.objects.filter(pk=child.pk)
        .filter(sight | on_list if on_list is not None else sight)
        .exists()
    )


# What a refused write says to someone who sees the child only through emergency access.
READ_ONLY_UNDER_GRANT = (
    "Emergency access only lets you read this record. Ask an agency that works with the child "
    "to record this"
)


def can_write_for_child(user: User | None, child: Child) -> bool:
    """The rule under every write about a child (a note, a concern, an identifier or address,
    an assessment, a missing episode, an intelligence or evidence link, an agenda item): case
    content and sight of the child other than through a break-glass grant, that is, their
    agency's involvement or their MACE panel's list. Emergency access is read-only for its whole
    duration: a write would involve the agency and so outlast the grant."""
    return _sees_without_grant(user, child, panel=True)


def sees_only_through_grant(user: User | None, child: Child) -> bool:
    """Whether the user sees this child only through a live break-glass grant (so may read, and
    nothing else; their agency is never involved through it)."""
    return can_view_child(user, child) and not can_write_for_child(user, child)


def can_change_child(user: User | None, child: Child) -> bool:
    """Changing a child's details, identifiers and addresses needs the agency's involvement
    (can_write_for_child, without the panel's list); break-glass only reads."""
    return _sees_without_grant(user, child, panel=False)


def can_read_restricted(user: User | None, *, agency_id: int, child: Child) -> bool:
    """A restricted entry or concern: its author's agency, and the MACE chairs of the child's
    quadrant (by the child's current area), who must also be able to see the child at all."""
    if not sees_case_content(user):
        return False
    assert user is not None
    if user.agency_id == agency_id:
        return True
    quadrant_id = child.area.quadrant_id if child.area_id and child.area else None
    return (
        Role.MACE_CHAIR in user.role_set
        and quadrant_id is not None
        and user.quadrant_id == quadrant_id
    )


def can_read_entry(user: User | None, entry: ChronologyEntry | Concern) -> bool:
    """Whether the user may read this entry's (or concern's) content, given they see the child.
    Callers that hold many entries pass ones whose child (with area) is already loaded."""
    if not entry.restricted:
        return True
    return can_read_restricted(user, agency_id=entry.agency_id, child=entry.child)


def can_amend_entry(user: User | None, entry: ChronologyEntry) -> bool:
    """Only the agency that made a chronology entry may correct it (by amendment)."""
    return (
        user is not None
        and user.agency_id == entry.agency_id
        and can_write_for_child(user, entry.child)
    )


def visible_child_or_404(user: User | None, child_id: int) -> Child:
    """The child, if this user may see them; otherwise 404, as if there were no such child."""
    child = (
        scope_children(user, Child.objects.select_related("area__quadrant"))
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        raise Http404("No child found")
    return child
