"""The demo's concerns: each with the indicators seen, the services it was routed to, and its
entry on the child's chronology, written in bulk from the plan (the children already saved)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mace.accounts.models import User
from mace.concerns.models import Concern, ConcernIndicator, ConcernRoute
from mace.core import bulk
from mace.demo.plan import Plan
from mace.people.choices import EntryKind
from mace.people.models import Child, ChronologyEntry
from mace.reference.models import Agency, Definition, Indicator


@dataclass
class Loaded:
    """The saved concerns, in the plan's order, and the number of rows of each kind."""

    concerns: list[Concern]
    counts: dict[str, int] = field(default_factory=dict)


def load(
    the_plan: Plan,
    *,
    children: list[Child],
    author: dict[str, User],
    agencies: dict[str, Agency],
) -> Loaded:
    """Write the plan's concerns. `children` are the saved children in the plan's order;
    `author` is who writes each agency's records."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    definition = Definition.in_force()

    concerns: list[Concern] = []
    concern_children = []
    for child, c in zip(children, the_plan.children, strict=True):
        for cp in c.concerns:
            concerns.append(
                bulk.new(
                    Concern,
                    child=child,
                    author=author[cp.agency],
                    agency=agencies[cp.agency],
                    definition=definition,
                    narrative=cp.narrative,
                    recorded_at=cp.recorded_at,
                )
            )
            concern_children.append((child, cp))
    bulk.insert(Concern, concerns)

    concern_indicators, routes, entries = [], [], []
    for concern, (child, cp) in zip(concerns, concern_children, strict=True):
        seen = [ip for ip in cp.indicators if ip.code in indicators]
        for ip in seen:
            concern_indicators.append(
                bulk.new(
                    ConcernIndicator,
                    concern=concern,
                    indicator=indicators[ip.code],
                    seen_on=ip.seen_on,
                    source=ip.source,
                    note=ip.note,
                )
            )
        for route, target in cp.routes:
            routes.append(bulk.new(ConcernRoute, concern=concern, route=route, target_date=target))
        labels = "; ".join(indicators[ip.code].label for ip in seen)
        entries.append(
            bulk.new(
                ChronologyEntry,
                child=child,
                kind=EntryKind.CONCERN,
                occurred_at=cp.recorded_at,
                recorded_at=cp.recorded_at,
                title=f"Concern recorded by {cp.agency}: {labels}"[:200],
                body=cp.narrative,
                author=author[cp.agency],
                agency=agencies[cp.agency],
                concern=concern,
            )
        )
    bulk.insert(ConcernIndicator, concern_indicators)
    bulk.insert(ConcernRoute, routes)
    bulk.insert(ChronologyEntry, entries)
    return Loaded(
        concerns,
        {
            "concerns": len(concerns),
            "indicators seen": len(concern_indicators),
            "routes": len(routes),
            "chronology entries": len(entries),
        },
    )
