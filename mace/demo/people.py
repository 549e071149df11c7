"""The demo's children: their records, addresses, identifiers and the agencies involved with
them, written in bulk from the plan. It bypasses the services for speed but keeps what they keep:
the recording agency is involved with the child, each record's creation is on the chronology, and
the child's area is the area of their current address."""

from __future__ import annotations

from dataclasses import dataclass, field

from mace.accounts.models import User
from mace.core import bulk
from mace.demo.plan import Plan
from mace.people.choices import EntryKind
from mace.people.models import (
    AgencyInvolvement,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChronologyEntry,
)
from mace.reference.models import Agency


@dataclass
class Loaded:
    """The saved children, in the plan's order, and the number of rows of each kind."""

    children: list[Child]
    counts: dict[str, int] = field(default_factory=dict)


def outward(postcode: str) -> str:
    """The outward code of a full postcode: what places it in a council area."""
    return postcode[:-3]


def load(
    the_plan: Plan,
    *,
    author: dict[str, User],
    agencies: dict[str, Agency],
    district_area: dict[str, int],
) -> Loaded:
    """Write the plan's children. `author` is who writes each agency's records; `district_area`
    the council area of each outward code."""
    children = [
        bulk.new(
            Child,
            forename=c.forename,
            surname=c.surname,
            other_names=c.other_names,
            sex=c.sex,
            gender=c.gender,
            ethnicity=c.ethnicity,
            dob=c.dob,
            upn_unknown=c.upn_unknown,
            area_id=district_area.get(outward(c.addresses[0].postcode)),
            created_by=author[c.creator],
        )
        for c in the_plan.children
    ]
    bulk.insert(Child, children)

    addresses, identifiers, involvements, entries = [], [], [], []
    for child, c in zip(children, the_plan.children, strict=True):
        for a in c.addresses:
            addresses.append(
                bulk.new(
                    ChildAddress,
                    child=child,
                    line1=a.line1,
                    line2=a.line2,
                    town=a.town,
                    postcode=a.postcode,
                    area_id=district_area.get(outward(a.postcode)),
                    start_date=a.start_date,
                    end_date=a.end_date,
                )
            )
        for i in c.identifiers:
            identifiers.append(
                bulk.new(
                    ChildIdentifier,
                    child=child,
                    type=i.type,
                    value=i.value,
                    valid_from=i.valid_from,
                    agency=agencies[i.agency],
                )
            )
        for inv in c.involvements:
            involvements.append(
                bulk.new(
                    AgencyInvolvement,
                    child=child,
                    agency=agencies[inv.agency],
                    reason=inv.reason,
                    since=inv.since,
                )
            )
        entries.append(
            bulk.new(
                ChronologyEntry,
                child=child,
                kind=EntryKind.RECORD_CREATED,
                occurred_at=c.created_at,
                recorded_at=c.created_at,
                title=f"Record created by {c.creator}",
                author=author[c.creator],
                agency=agencies[c.creator],
            )
        )
    bulk.insert(ChildAddress, addresses)
    bulk.insert(ChildIdentifier, identifiers)
    bulk.insert(AgencyInvolvement, involvements)
    bulk.insert(ChronologyEntry, entries)
    return Loaded(
        children,
        {
            "children": len(children),
            "addresses": len(addresses),
            "identifiers": len(identifiers),
            "agency involvements": len(involvements),
            "chronology entries": len(entries),
        },
    )
