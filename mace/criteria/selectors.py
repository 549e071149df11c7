"""Reads of the MACE criteria: a quadrant's list of the children who meet them, and one child's
standing. Each is a fixed number of queries, whatever the size of the county."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

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


def _on_agenda() -> Exists:
    """On the agenda of a part 1 meeting not yet held (scheduled, or its agenda frozen)."""
    from mace.meetings.choices import MeetingPart, MeetingStatus
    from mace.meetings.models import AgendaItem

    return Exists(
        AgendaItem.objects.filter(
            child_id=OuterRef("child_id"),
            removed_at__isnull=True,
            meeting__part=MeetingPart.PART_1,
            meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_FROZEN],
        )
    )


def quadrant_list(quadrant: Quadrant) -> QuerySet[Eligibility]:
    """The children of the quadrant who meet the MACE criteria, the most recent change first,
    with what the list shows (one query a page, however many there are)."""
    return (
        Eligibility.objects.filter(quadrant=quadrant)
        .select_related("child")
        .annotate(on_agenda=_on_agenda())
        .order_by("-changed_at", "-id")
    )


def child_eligibility(child: Child) -> Eligibility | None:
    return (
        Eligibility.objects.filter(child=child)
        .select_related("quadrant")
        .annotate(on_agenda=_on_agenda())
        .first()
    )
