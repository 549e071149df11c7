"""Disruption (mace.disruption): disruption activity against persons of concern, locations and
vehicles, and the evidence collected for prosecutions.

- Whoever has full reach into intelligence (police and CSC practitioners and managers, MACE
  chairs and coordinators) sees, records and changes all disruption; analysts read it.
- A district council / CSP officer sees and works on the disruption whose subject they may
  see (a location, adult person or vehicle in their district), whose lead agency is theirs,
  or whose MACE action their agency owns (the disruption tasks assigned to them); they record
  disruption on subjects in their district.
- The child a disruption or an evidence item is about is named only to someone who may see
  that child (can_view_child); anyone else reads "a child (not shown)". A district officer
  never sees children's case content.
- Evidence items are case material for a prosecution: only full reach sees and records them,
  and an item about a child only by someone who may see that child.
- Everyone else: 404 for one disruption, 403 for a list or a new one.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mace.access.choices import IntelligenceReach
from mace.access.policy.children import can_view_child, can_write_for_child, scope_children
from mace.access.policy.intelligence import (
    DISTRICT_RECORD_KINDS,
    _district_area_id,
    can_view_intelligence,
    intelligence_reach,
)
from mace.accounts.models import User
from mace.disruption.models import Disruption
from mace.people.models import Child

__all__ = [
    "can_change_disruption",
    "can_list_disruption",
    "can_record_disruption",
    "can_record_evidence",
    "can_view_disruption",
    "disruption_names_child",
    "scope_disruptions",
    "scope_evidence",
    "sees_evidence",
]


def can_list_disruption(user: User | None) -> bool:
    return intelligence_reach(user) != IntelligenceReach.NONE


def scope_disruptions[QS: QuerySet](user: User | None, queryset: QS) -> QS:
    """The disruptions in `queryset` this user may see."""
    reach = intelligence_reach(user)
    if reach in (IntelligenceReach.FULL, IntelligenceReach.READ):
        return queryset
    if reach == IntelligenceReach.NONE:
        return queryset.none()
    assert user is not None
    in_district = Q(
        subject__kind__in=DISTRICT_RECORD_KINDS,
        subject__area_id=_district_area_id(user),
        subject__about_a_minor=False,
    )
    theirs = Q(lead_agency_id=user.agency_id) | Q(action__owner_agency_id=user.agency_id)
    return queryset.filter(in_district | theirs)


def can_view_disruption(user: User | None, disruption: Disruption) -> bool:
    reach = intelligence_reach(user)
    if reach in (IntelligenceReach.FULL, IntelligenceReach.READ):
        return True
    if reach == IntelligenceReach.NONE:
        return False
    assert user is not None
    if disruption.lead_agency_id == user.agency_id:
        return True
    action = disruption.action
    if action is not None and action.owner_agency_id == user.agency_id:
        return True
    return can_view_intelligence(user, disruption.subject)


def can_record_disruption(user: User | None, subject: object = None) -> bool:
    """Recording disruption at all (no subject), or on this subject: full reach on any, a
    district officer on a subject in their district."""
    reach = intelligence_reach(user)
    if reach == IntelligenceReach.FULL:
        return True
    if reach != IntelligenceReach.DISTRICT:
        return False
    return subject is None or can_view_intelligence(user, subject)


def can_change_disruption(user: User | None, disruption: Disruption) -> bool:
    """Changing a disruption: full reach, or a district officer who may see it (analysts read)."""
    reach = intelligence_reach(user)
    if reach == IntelligenceReach.FULL:
        return True
    return reach == IntelligenceReach.DISTRICT and can_view_disruption(user, disruption)


def disruption_names_child(user: User | None, child: Child | None) -> bool:
    """Whether a disruption's or an evidence item's child may be named to this user."""
    return child is not None and can_view_child(user, child)


def sees_evidence(user: User | None) -> bool:
    return intelligence_reach(user) == IntelligenceReach.FULL


def scope_evidence[QS: QuerySet](user: User | None, queryset: QS) -> QS:
    """The evidence items in `queryset` this user may see: full reach only, and an item about a
    child only when the user may see the child."""
    if not sees_evidence(user):
        return queryset.none()
    visible = scope_children(user, Child.objects.all())
    return queryset.filter(Q(child__isnull=True) | Q(child__in=visible))


def can_record_evidence(user: User | None, child: Child | None = None) -> bool:
    """Recording an evidence item: full reach, and, for an item about a child, the right to
    write about that child (can_write_for_child: not under a break-glass grant)."""
    if not sees_evidence(user):
        return False
    return child is None or can_write_for_child(user, child)
