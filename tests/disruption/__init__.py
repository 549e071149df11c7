"""Tests of disruption activity and evidence. Records are made through the services (the code path
users take), by the helpers below."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mace.disruption import services
from mace.disruption.models import Disruption, EvidenceItem
from tests.clock import today as today


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def record_of(record: Any) -> Any:
    """The intelligence Record of a person, location or vehicle (or the Record itself)."""
    return getattr(record, "record", record)


def closure(actor: Any, subject: Any, **fields: Any) -> Disruption:
    """A closure notice served on `subject` a week ago, expiring in 40 days, unless `fields` say
    otherwise."""
    values: dict[str, Any] = {
        "type": "closure_notice",
        "status": "served",
        "applied_on": days(-9),
        "granted_on": days(-8),
        "served_on": days(-7),
        "expires_on": days(40),
        "legal_basis": "Anti-social Behaviour, Crime and Policing Act 2014 s.76",
    } | fields
    return services.disruption_record(actor=actor, subject=record_of(subject), **values)


def statement(actor: Any, **fields: Any) -> EvidenceItem:
    values: dict[str, Any] = {
        "description": "Statement of the night manager (fictional)",
        "kind": "statement",
        "collected_on": days(-3),
    } | fields
    if "person" in values:
        values["person"] = record_of(values["person"])
    return services.evidence_record(actor=actor, **values)


def mace_action(owner_agency: Any, *, child: Any = None, quadrant: str = "south") -> Any:
    """A MACE action given to `owner_agency` by a part 2 meeting of the quadrant (made directly:
    the meetings app's services are not what these tests are about)."""
    from mace.meetings.models import Action, Meeting
    from mace.reference.models import Quadrant

    meeting = Meeting.objects.create(
        quadrant=Quadrant.objects.get(code=quadrant),
        part=2 if child is None else 1,
        starts_at=timezone.now() - dt.timedelta(days=14),
    )
    return Action.objects.create(
        meeting=meeting,
        child=child,
        description="Consider a closure notice on the hotel (fictional)",
        owner_agency=owner_agency,
        due_on=days(14),
    )
