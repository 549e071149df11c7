"""Assessments (mace.assessments): risk and vulnerabilities assessments.

- Anyone who works with case content and sees the child may assess them, and reads the child's
  assessments (drafts included, marked as such) as they read the rest of the record.
- A draft is changed and completed by the assessing agency's people who see the child, so a
  colleague can finish an assessment when the assessor is away.
- A level other than high despite a current indicator of actual exploitation stands only when
  an agency manager of the assessor's agency, who is not the assessor, signs the written
  override off.
- Overdue reviews are followed up by the assessor and the managers of their agency.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mace.access.policy.children import can_write_for_child, scope_children
from mace.access.policy.roles import sees_case_content
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.assessments.choices import AssessmentStatus
from mace.assessments.models import Assessment
from mace.people.models import Child

__all__ = [
    "assessments_followed_up",
    "can_assess",
    "can_edit_assessment",
    "can_sign_off_assessment",
]


def can_assess(user: User | None, child: Child) -> bool:
    """Starting a risk and vulnerabilities assessment of the child (a write about the child:
    not under a break-glass grant)."""
    return can_write_for_child(user, child)


def can_edit_assessment(user: User | None, assessment: Assessment) -> bool:
    """Changing or completing a draft assessment: its agency's people who may assess the child."""
    return (
        user is not None
        and assessment.status == AssessmentStatus.DRAFT
        and user.agency_id == assessment.agency_id
        and can_assess(user, assessment.child)
    )


def can_sign_off_assessment(user: User | None, assessment: Assessment) -> bool:
    """Signing off (or returning) an override: an agency manager of the assessor's agency who is
    not the assessor and sees the child. Nobody signs off their own judgement."""
    if user is None or not user.is_authenticated:
        return False
    return (
        assessment.status == AssessmentStatus.AWAITING_SIGN_OFF
        and Role.AGENCY_MANAGER in user.role_set
        and user.agency_id is not None
        and user.agency_id == assessment.agency_id
        and user.pk != assessment.assessor_id
        and can_write_for_child(user, assessment.child)
    )


def assessments_followed_up(
    user: User | None, queryset: QuerySet[Assessment]
) -> QuerySet[Assessment]:
    """The assessments whose reviews and sign-offs this user follows up: their own, and, for an
    agency manager, every one made by their agency; only for children they may see."""
    if not sees_case_content(user):
        return queryset.none()
    assert user is not None
    mine = Q(assessor_id=user.pk)
    if Role.AGENCY_MANAGER in user.role_set:
        mine |= Q(agency_id=user.agency_id)
    return queryset.filter(mine, child__in=scope_children(user, Child.objects.all()))
