"""Reads of the MACE criteria: a quadrant's list of the children who meet them, and one child's
standing. Each is a fixed number of queries, whatever the size of the county."""

from __future__ import annotations

from django.db.models import QuerySet

from mace.criteria.models import Eligibility
from mace.people.models import Child
from mace.reference.models import Quadrant


def quadrant_by_name(name: str) -> Quadrant | None:
    """A quadrant by its name or code, as a person types it (North, north)."""
    name = (name or "").strip()
    if not name:
        return None
    return (
        Quadrant.objects.filter(code__iexact=name).first()
        or Quadrant.objects.filter(name__iexact=name).first()
    )


def quadrant_list(quadrant: Quadrant) -> QuerySet[Eligibility]:
    """The children of the quadrant who meet the MACE criteria, the most recent change first,
    with what the list shows (one query a page, however many there are)."""
    return (
        Eligibility.objects.filter(quadrant=quadrant)
        .select_related("child")
        .order_by("-changed_at", "-id")
    )


def child_eligibility(child: Child) -> Eligibility | None:
    return Eligibility.objects.filter(child=child).select_related("quadrant").first()
