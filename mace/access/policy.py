"""The access policy: the one place that decides who may see and do what.

Every page, API route, export and search asks this module. Rules for now:
- a child is visible to users whose agency is involved with the child (it recorded something
  about them or is allocated to them), when the user holds a role that works with case content;
- system administrators, district council / CSP officers, board members, analysts and workforce
  leads see no child case content;
- any user who works with case content may record a concern (which involves their agency) and
  may be told that a record exists when they give an exact identifier of a child they cannot see,
  so nobody creates a duplicate;
- break-glass: such a user may take emergency access to that child for a limited time on a
  stated reason; while the grant lasts they may read the record (not change the child's details);
- a restricted chronology entry or concern is read only by the author's agency and the MACE
  chairs of the child's quadrant; everyone else who sees the child sees that it exists;
- agency managers and the data protection role read the audit: the data protection role for
  every child and user, an agency manager for the children their agency works or has worked
  with and the users of their own agency; they also review break-glass uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mace.accounts.choices import Role

if TYPE_CHECKING:
    from mace.access.models import BreakGlassGrant
    from mace.accounts.models import User
    from mace.assessments.models import Assessment
    from mace.concerns.models import Concern
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


def can_request_break_glass(user: User | None) -> bool:
    """Anyone who works with case content may ask for emergency access to a child."""
    return sees_case_content(user)


def _involved(user: User) -> Exists:
    from mace.people.models import AgencyInvolvement

    assert user.agency_id is not None
    return Exists(
        AgencyInvolvement.objects.filter(
            child=OuterRef("pk"), agency_id=user.agency_id, ended_at__isnull=True
        )
    )


def active_break_glass_grants(user: User | None) -> QuerySet[BreakGlassGrant]:
    """The user's break-glass grants that still give access now."""
    from mace.access.models import BreakGlassGrant

    if user is None or not user.is_authenticated:
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(
        user=user, expires_at__gt=timezone.now(), ended_at__isnull=True
    )


def scope_children(user: User | None, queryset: QuerySet[Child]) -> QuerySet[Child]:
    """The children in `queryset` this user may see: those their agency is involved with, and
    those they hold a live break-glass grant for."""
    if not sees_case_content(user):
        return queryset.none()
    assert user is not None and user.agency_id is not None
    granted = Exists(active_break_glass_grants(user).filter(child=OuterRef("pk")))
    return queryset.filter(_involved(user) | granted)


def can_view_child(user: User | None, child: Child) -> bool:
    from mace.people.models import Child as ChildModel

    return scope_children(user, ChildModel.objects.filter(pk=child.pk)).exists()


def seen_by_break_glass_only(user: User | None, child: Child) -> bool:
    """The user sees this child only through a break-glass grant (the page says so)."""
    from mace.people.models import Child as ChildModel

    if not sees_case_content(user):
        return False
    assert user is not None
    involved = ChildModel.objects.filter(pk=child.pk).filter(_involved(user)).exists()
    return not involved and active_break_glass_grants(user).filter(child=child).exists()


def can_change_child(user: User | None, child: Child) -> bool:
    """Changing a child's details needs the agency's involvement; break-glass only reads."""
    if not sees_case_content(user):
        return False
    from mace.people.models import Child as ChildModel

    assert user is not None
    return ChildModel.objects.filter(pk=child.pk).filter(_involved(user)).exists()


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


def can_view_audit(user: User | None) -> bool:
    """Agency managers and the data protection role read the audit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.role_set & {Role.AGENCY_MANAGER, Role.DATA_PROTECTION})


def audit_children(user: User | None, queryset: QuerySet[Child]) -> QuerySet[Child]:
    """The children whose audit this user may read: every child for the data protection role;
    for an agency manager, those their agency works or has worked with."""
    if not can_view_audit(user):
        return queryset.none()
    assert user is not None
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    from mace.people.models import AgencyInvolvement

    return queryset.filter(
        Exists(AgencyInvolvement.objects.filter(child=OuterRef("pk"), agency_id=user.agency_id))
    )


def can_audit_child(user: User | None, child: Child) -> bool:
    from mace.people.models import Child as ChildModel

    return audit_children(user, ChildModel.objects.filter(pk=child.pk)).exists()


def audit_users(user: User | None, queryset: QuerySet[User]) -> QuerySet[User]:
    """The users whose activity this user may read: everyone for the data protection role; an
    agency manager's own agency's users."""
    if not can_view_audit(user):
        return queryset.none()
    assert user is not None
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    return queryset.filter(agency_id=user.agency_id)


def can_audit_user(user: User | None, subject: User) -> bool:
    from mace.accounts.models import User as UserModel

    return audit_users(user, UserModel.objects.filter(pk=subject.pk)).exists()


def break_glass_for_review(
    user: User | None, queryset: QuerySet[BreakGlassGrant]
) -> QuerySet[BreakGlassGrant]:
    """The break-glass grants this user may review: for an agency manager, grants on children
    their agency works with and grants taken by their own agency's staff; the data protection
    role sees them all."""
    if not can_view_audit(user):
        return queryset.none()
    assert user is not None
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    from mace.people.models import AgencyInvolvement

    on_our_children = Exists(
        AgencyInvolvement.objects.filter(child=OuterRef("child_id"), agency_id=user.agency_id)
    )
    return queryset.filter(on_our_children | Q(agency_id=user.agency_id))


def can_review_break_glass(user: User | None, grant: BreakGlassGrant) -> bool:
    """Whether the user may mark this grant reviewed; nobody reviews their own use."""
    from mace.access.models import BreakGlassGrant as GrantModel

    if user is None or grant.user_id == user.pk:
        return False
    return break_glass_for_review(user, GrantModel.objects.filter(pk=grant.pk)).exists()


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


# ---------------------------------------------------------------------------------------------
# assessments: risk and vulnerabilities assessments (mace.assessments)
# ---------------------------------------------------------------------------------------------
# - anyone who works with case content and sees the child may assess them, and reads the
#   child's assessments (drafts included, marked as such) as they read the rest of the record;
# - a draft is changed and completed by the assessing agency's people who see the child, so a
#   colleague can finish an assessment when the assessor is away;
# - a level other than high despite a current indicator of actual exploitation stands only
#   when an agency manager of the assessor's agency, who is not the assessor, signs the
#   written override off;
# - overdue reviews are followed up by the assessor and the managers of their agency.


def can_assess(user: User | None, child: Child) -> bool:
    """Starting a risk and vulnerabilities assessment of the child."""
    return sees_case_content(user) and can_view_child(user, child)


def can_edit_assessment(user: User | None, assessment: Assessment) -> bool:
    """Changing or completing a draft assessment: its agency's people who may assess the child."""
    from mace.assessments.choices import AssessmentStatus

    return (
        user is not None
        and assessment.status == AssessmentStatus.DRAFT
        and user.agency_id == assessment.agency_id
        and can_assess(user, assessment.child)
    )


def can_sign_off_assessment(user: User | None, assessment: Assessment) -> bool:
    """Signing off (or returning) an override: an agency manager of the assessor's agency who is
    not the assessor and sees the child. Nobody signs off their own judgement."""
    from mace.assessments.choices import AssessmentStatus

    if user is None or not user.is_authenticated:
        return False
    return (
        assessment.status == AssessmentStatus.AWAITING_SIGN_OFF
        and Role.AGENCY_MANAGER in user.role_set
        and user.agency_id is not None
        and user.agency_id == assessment.agency_id
        and user.pk != assessment.assessor_id
        and can_view_child(user, assessment.child)
    )


def assessments_followed_up(
    user: User | None, queryset: QuerySet[Assessment]
) -> QuerySet[Assessment]:
    """The assessments whose reviews and sign-offs this user follows up: their own, and, for an
    agency manager, every one made by their agency; only for children they may see."""
    if not sees_case_content(user):
        return queryset.none()
    assert user is not None
    from mace.people.models import Child as ChildModel

    mine = Q(assessor_id=user.pk)
    if Role.AGENCY_MANAGER in user.role_set:
        mine |= Q(agency_id=user.agency_id)
    return queryset.filter(mine, child__in=scope_children(user, ChildModel.objects.all()))
