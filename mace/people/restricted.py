"""Restricted information on a child's record: a chronology entry or concern that only its
author's agency and the MACE chairs of the child's quadrant may read (a disclosure, sexual health
information, a third party who could be harmed). Everyone else who sees the child sees that a
restricted entry exists, when, which agency recorded it, and whom to ask.

Who may read is the access policy's decision (policy.can_read_entry); this module applies it to
what a page or the API is about to show, and checks what a practitioner asks for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mace.access import policy
from mace.people.choices import RestrictionReason

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.concerns.models import Concern
    from mace.people.models import Child, ChronologyEntry
    from mace.reference.models import Agency


def restriction_errors(*, restricted: bool, reason: str) -> dict[str, list[str]]:
    """A restricted entry says why; an unrestricted one has no reason."""
    if restricted and reason not in RestrictionReason.values:
        return {"restriction_reason": ["Choose why this information is restricted"]}
    if not restricted and reason:
        return {"restriction_reason": ["Only give a reason when the information is restricted"]}
    return {}


def whom_to_ask(*, agency: Agency, child: Child) -> str:
    """Who a reader should ask about an entry they may not read: its agency's contact, and the
    MACE chair of the child's quadrant."""
    who = f"{agency.name} ({agency.contact})" if agency.contact else agency.name
    quadrant = child.area.quadrant if child.area_id and child.area else None
    chair = f"the MACE chair for the {quadrant.name} quadrant" if quadrant else "the MACE chair"
    return f"Ask {who} or {chair}."


def withhold(user: User | None, child: Child, items: Iterable[ChronologyEntry | Concern]) -> None:
    """Mark each entry or concern (and an entry's prefetched amendments, which share its
    restriction) `withheld` when the user may not read it, with `ask` saying whom to ask.
    No queries: the items' child is the one given (with its area and quadrant loaded)."""
    for item in items:
        item.child = child
        hidden = not policy.can_read_entry(user, item)
        ask = whom_to_ask(agency=item.agency, child=child) if hidden else ""
        item.withheld = hidden  # type: ignore[union-attr]
        item.ask = ask  # type: ignore[union-attr]
        amendments = getattr(item, "_prefetched_objects_cache", {}).get("amendments")
        for amendment in amendments if amendments is not None else ():
            amendment.withheld = hidden
            amendment.ask = ask


def withheld(obj: Any) -> bool:
    """Whether a restricted entry's content is kept from this reader (see withhold). An entry
    nobody decided about is withheld if restricted: a path that forgets to ask fails closed."""
    return bool(getattr(obj, "withheld", obj.restricted))
