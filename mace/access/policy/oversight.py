"""Oversight: who reads the audit, reviews break-glass uses and approves powerful roles.

- Agency managers and the data protection role read the audit: the data protection role for
  every child and user, an agency manager for the children their agency works or has worked
  with and the users of their own agency; they also review break-glass uses.
- Two people give power: a role that sees case content, the data protection role or superuser
  takes effect only when someone other than the person who asked for it (and other than the
  account's holder) approves it: an agency manager of the account's agency or a data protection
  officer. Taking a role away needs nobody's approval.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from mace.access.models import BreakGlassGrant
from mace.accounts.choices import Role
from mace.accounts.models import RoleGrantRequest, User
from mace.people.models import AgencyInvolvement, Child

__all__ = [
    "audit_children",
    "audit_users",
    "break_glass_for_review",
    "can_approve_role_grant",
    "can_audit_child",
    "can_audit_user",
    "can_review_break_glass",
    "can_view_audit",
    "can_view_role_grants",
    "role_grant_approvers",
    "role_grants_for_approval",
]


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
    return queryset.filter(
        Exists(AgencyInvolvement.objects.filter(child=OuterRef("pk"), agency_id=user.agency_id))
    )


def can_audit_child(user: User | None, child: Child) -> bool:
    return audit_children(user, Child.objects.filter(pk=child.pk)).exists()


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
    return audit_users(user, User.objects.filter(pk=subject.pk)).exists()


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
    on_our_children = Exists(
        AgencyInvolvement.objects.filter(child=OuterRef("child_id"), agency_id=user.agency_id)
    )
    return queryset.filter(on_our_children | Q(agency_id=user.agency_id))


def can_review_break_glass(user: User | None, grant: BreakGlassGrant) -> bool:
    """Whether the user may mark this grant reviewed; nobody reviews their own use."""
    if user is None or grant.user_id == user.pk:
        return False
    return break_glass_for_review(user, BreakGlassGrant.objects.filter(pk=grant.pk)).exists()


def can_view_role_grants(user: User | None) -> bool:
    """Agency managers and data protection officers approve powerful roles."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.role_set & {Role.AGENCY_MANAGER, Role.DATA_PROTECTION})


def role_grants_for_approval(
    user: User | None, queryset: QuerySet[RoleGrantRequest]
) -> QuerySet[RoleGrantRequest]:
    """The role requests this user may see and decide: every one for a data protection
    officer; an agency manager's, those about accounts of their own agency. Never one about
    their own account or one they asked for themselves."""
    if not can_view_role_grants(user):
        return queryset.none()
    assert user is not None
    queryset = queryset.exclude(user_id=user.pk).exclude(requested_by_id=user.pk)
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    return queryset.filter(user__agency_id=user.agency_id)


def role_grant_approvers(grant: RoleGrantRequest) -> QuerySet[User]:
    """Everyone who may decide this request, in one query (role_grants_for_approval turned
    round): the data protection officers, and the agency managers of the account's agency;
    never the account's holder nor whoever asked."""
    may = Q(role_assignments__role=Role.DATA_PROTECTION)
    if grant.user.agency_id is not None:
        may |= Q(role_assignments__role=Role.AGENCY_MANAGER, agency_id=grant.user.agency_id)
    return (
        User.objects.filter(may, is_active=True)
        .exclude(pk__in=[grant.user_id, grant.requested_by_id or 0])
        .distinct()
    )


def can_approve_role_grant(user: User | None, grant: RoleGrantRequest) -> bool:
    """Whether the user may approve or refuse this request: a second person, never the one who
    asked nor the account's holder, with the standing to approve it."""
    if user is None or grant.user_id == user.pk or grant.requested_by_id == user.pk:
        return False
    return role_grants_for_approval(user, RoleGrantRequest.objects.filter(pk=grant.pk)).exists()
