"""Recording a concern about a child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mace.access import policy
from mace.concerns.choices import IndicatorSource, Route
from mace.concerns.models import Concern, ConcernIndicator, ConcernRoute
from mace.core.bounds import event_date_problem, text_errors
from mace.core.errors import DomainError, Refused
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.restricted import restriction_errors
from mace.people.services import chronology_add, involvement_ensure
from mace.reference.models import Definition, Indicator

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child


@dataclass(frozen=True)
class IndicatorSeen:
    indicator: str  # Indicator.code
    seen_on: date | None
    source: str
    note: str = ""


@dataclass(frozen=True)
class RouteTo:
    route: str
    target_date: date | None


@transaction.atomic
def concern_record(
    *,
    actor: User,
    child: Child,
    narrative: str,
    indicators: list[IndicatorSeen],
    routes: list[RouteTo],
    restricted: bool = False,
    restriction_reason: str = "",
) -> Concern:
    """Record a concern: the indicators seen (each with when and from whom), what the practitioner
    wrote, and where it goes. The actor's agency becomes involved with the child, and the concern
    goes on the child's chronology."""
    if not policy.can_record_concern(actor):
        raise Refused("You cannot record concerns")
    # Recording a concern involves the agency, which opens the record to it; so it must not be a
    # way round need-to-know. A practitioner told that a record exists elsewhere contacts the
    # involved agency (or, in an emergency, uses break-glass access, which only reads: a grant
    # never lets its holder write, so never involves their agency).
    if not policy.can_view_child(actor, child):
        raise Refused("You cannot see this child's record")
    if not policy.can_write_for_child(actor, child):
        raise Refused(policy.READ_ONLY_UNDER_GRANT)
    errors = text_errors(long={"narrative": (narrative, "The description")})
    if not narrative.strip():
        errors["narrative"] = ["Describe what you saw or were told"]
    if not indicators:
        errors["indicators"] = ["Select at least one indicator you saw"]
    today = timezone.localdate()
    known = Indicator.objects.in_bulk([i.indicator for i in indicators], field_name="code")
    seen_codes: set[str] = set()
    for n, item in enumerate(indicators):
        key = f"indicators.{n}"
        indicator = known.get(item.indicator)
        if indicator is None or not indicator.active:
            errors.setdefault(f"{key}.indicator", []).append("Choose an indicator from the list")
        elif item.indicator in seen_codes:
            errors.setdefault(f"{key}.indicator", []).append(
                f"'{indicator.label}' is selected more than once"
            )
        seen_codes.add(item.indicator)
        label = indicator.label if indicator else "this indicator"
        if item.seen_on is None:
            errors.setdefault(f"{key}.seen_on", []).append(f"Enter when you saw '{label}'")
        elif problem := event_date_problem(item.seen_on, name=f"The date '{label}' was seen"):
            errors.setdefault(f"{key}.seen_on", []).append(problem)
        elif item.seen_on > today:
            errors.setdefault(f"{key}.seen_on", []).append(
                f"The date '{label}' was seen must be today or in the past"
            )
        elif child.dob and item.seen_on < child.dob:
            errors.setdefault(f"{key}.seen_on", []).append(
                f"The date '{label}' was seen must be after the child's date of birth"
            )
        if item.source not in IndicatorSource.values:
            errors.setdefault(f"{key}.source", []).append(f"Choose where '{label}' came from")
    if not routes:
        errors["routes"] = ["Choose where this concern is being sent"]
    seen_routes: set[str] = set()
    for n, route in enumerate(routes):
        key = f"routes.{n}"
        if route.route not in Route.values:
            errors.setdefault(f"{key}.route", []).append("Choose a service from the list")
        elif route.route in seen_routes:
            errors.setdefault(f"{key}.route", []).append("Each service can be chosen once")
        seen_routes.add(route.route)
        if route.target_date is None:
            errors.setdefault(f"{key}.target_date", []).append("Enter the target date")
        elif problem := event_date_problem(route.target_date, name="The target date"):
            errors.setdefault(f"{key}.target_date", []).append(problem)
        elif route.target_date < today:
            errors.setdefault(f"{key}.target_date", []).append(
                "The target date must be today or in the future"
            )
    errors |= restriction_errors(restricted=restricted, reason=restriction_reason)
    if errors:
        raise DomainError(errors)

    assert actor.agency is not None
    concern = Concern.objects.create(
        child=child,
        author=actor,
        agency=actor.agency,
        definition=Definition.in_force(),
        narrative=narrative.strip(),
        restricted=restricted,
        restriction_reason=restriction_reason if restricted else "",
    )
    ConcernIndicator.objects.bulk_create(
        ConcernIndicator(  # type: ignore[misc]  # dates validated above
            concern=concern,
            indicator=known[i.indicator],
            seen_on=i.seen_on,
            source=i.source,
            note=i.note.strip(),
        )
        for i in indicators
    )
    ConcernRoute.objects.bulk_create(
        ConcernRoute(concern=concern, route=r.route, target_date=r.target_date)  # type: ignore[misc]
        for r in routes
    )
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    labels = "; ".join(known[i.indicator].label for i in indicators)
    chronology_add(
        actor=actor,
        child=child,
        kind=EntryKind.CONCERN,
        concern=concern,
        title=f"Concern recorded by {actor.agency}: {labels}"[:200],
        body=concern.narrative,
        restricted=concern.restricted,
        restriction_reason=concern.restriction_reason,
    )
    return concern
