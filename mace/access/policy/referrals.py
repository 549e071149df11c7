"""Referrals between agencies and services: who sees a referral and who acts on it.

- A referral is seen by the staff who work with case content in the agency that sent it and in
  the agency whose service receives it (its practitioners, managers and service workers), and by
  nobody else. Seeing a referral shows what the referrer shared (the child's identifying details,
  the concern and its indicators, the entries they attached), never the rest of the child's
  record: that opens to the receiving agency only when it accepts the referral, which involves
  it with the child (children.py). A declined or passed-on referral opens nothing.
- Anyone who may write about a child (children.py: their agency's involvement or their MACE
  panel's list, never a break-glass grant) may refer the child to a service.
- The receiving agency's practitioners, managers and service workers act on an open referral:
  acknowledge it, accept it, decline it with a reason, or pass it on to another service. Its
  managers are the ones told, once a day, about referrals past their due date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from mace.access.policy.children import can_write_for_child
from mace.access.policy.roles import sees_case_content
from mace.accounts.choices import Role
from mace.accounts.models import User

if TYPE_CHECKING:
    from mace.people.models import Child
    from mace.referrals.models import Referral, ReferralService

__all__ = [
    "RECEIVING_ROLES",
    "can_act_on_referral",
    "can_refer_child",
    "can_view_referral",
    "receives_for",
    "receives_referrals",
    "referral_managers",
    "referral_receivers",
    "scope_referrals",
]

# The roles in a receiving agency that work its inbox.
RECEIVING_ROLES = frozenset({Role.PRACTITIONER, Role.AGENCY_MANAGER, Role.SERVICE_WORKER})


def scope_referrals[QS: QuerySet](user: User | None, queryset: QS) -> QS:
    """The referrals in `queryset` this user may see: sent by or to their agency."""
    if not sees_case_content(user):
        return queryset.none()
    assert user is not None and user.agency_id is not None
    return queryset.filter(Q(from_agency_id=user.agency_id) | Q(service__agency_id=user.agency_id))


def can_view_referral(user: User | None, referral: Referral) -> bool:
    if not sees_case_content(user):
        return False
    assert user is not None
    return user.agency_id in (referral.from_agency_id, referral.service.agency_id)


def receives_referrals(user: User | None) -> bool:
    """Whether the user works an inbox at all: the services their agency runs."""
    return sees_case_content(user) and user is not None and bool(user.role_set & RECEIVING_ROLES)


def receives_for(user: User | None, service: ReferralService) -> bool:
    """Whether the user works the service's inbox."""
    return receives_referrals(user) and user is not None and user.agency_id == service.agency_id


def can_act_on_referral(user: User | None, referral: Referral) -> bool:
    """Acknowledge, accept, decline or pass on: the receiving service's staff, while it is open."""
    return referral.is_open and receives_for(user, referral.service)


def can_refer_child(user: User | None, child: Child) -> bool:
    return can_write_for_child(user, child)


def referral_receivers(service: ReferralService) -> QuerySet[User]:
    """The staff told of a new referral to the service."""
    return _staff(service, RECEIVING_ROLES)


def referral_managers(service: ReferralService) -> QuerySet[User]:
    """The managers told when the service's referrals are overdue."""
    return _staff(service, {Role.AGENCY_MANAGER})


def _staff(service: ReferralService, roles: frozenset[str] | set[str]) -> QuerySet[User]:
    return User.objects.filter(
        agency_id=service.agency_id, is_active=True, role_assignments__role__in=roles
    ).distinct()
