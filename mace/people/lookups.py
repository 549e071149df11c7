"""Finding children by what identifies them: plain lookups, with no access decision and nothing
logged. Callers decide what may be said (mace.people.selectors for search and the "a record
exists elsewhere" hint; mace.access.services for emergency access), so the access app can use
these without importing the selectors built on it."""

from __future__ import annotations

import re
from datetime import date

from mace.people.choices import IdentifierType
from mace.people.identifiers import normalise_nhs_number, normalise_upn
from mace.people.models import Child, ChildIdentifier

__all__ = [
    "MACE_REFERENCE",
    "STRONG_IDENTIFIER_TYPES",
    "children_by_identifier",
    "children_by_strong_identifier",
]


def _identifier_candidates(query: str) -> set[str]:
    compact = re.sub(r"[\s-]", "", query)
    return {
        compact.upper(),
        normalise_nhs_number(query),
        normalise_upn(query),
        " ".join(query.split()).upper(),
    } - {""}


MACE_REFERENCE = re.compile(r"^MACE-?0*([1-9][0-9]{0,11})$")

# The identifiers that may tell someone a record they cannot see exists, with the matching date of
# birth: each is issued to one child by a national or local body and is not guessable in
# sequence. A MACE reference is sequential (MACE-14 follows MACE-13), and youth justice and
# "other" references are not checked for form, so none of them ever answers alone.
STRONG_IDENTIFIER_TYPES = frozenset(
    {
        IdentifierType.NHS_NUMBER,
        IdentifierType.UPN,
        IdentifierType.LOCAL_AUTHORITY,
        IdentifierType.POLICE,
    }
)


def children_by_identifier(query: str) -> list[tuple[int, str]]:
    """(child id, identifier type label) for every child whose identifier, or whose platform
    reference (MACE-0000123), is exactly what was typed, ignoring spaces, dashes and case. For
    finding children the user may already see (and for the audit); a child the user cannot see is
    only ever matched by children_by_strong_identifier."""
    matches = [
        (child_id, ChildIdentifier(type=id_type).get_type_display())
        for child_id, id_type in ChildIdentifier.objects.filter(
            value__in=_identifier_candidates(query)
        ).values_list("child_id", "type")
    ]
    reference = MACE_REFERENCE.match(re.sub(r"\s", "", query).upper())
    if reference and Child.objects.filter(pk=int(reference.group(1))).exists():
        matches.append((int(reference.group(1)), "MACE reference"))
    return matches


def children_by_strong_identifier(query: str, dob: date | None) -> list[tuple[int, str]]:
    """(child id, identifier type label) for every child with a strong identifier (NHS number,
    UPN, local authority or police reference) exactly as typed AND this date of birth. Without a
    date of birth, or for a MACE reference or any other identifier, nothing: this is what may be
    said about a child the user cannot see."""
    if dob is None or not query.strip():
        return []
    return [
        (child_id, ChildIdentifier(type=id_type).get_type_display())
        for child_id, id_type in ChildIdentifier.objects.filter(
            value__in=_identifier_candidates(query),
            type__in=STRONG_IDENTIFIER_TYPES,
            child__dob=dob,
        ).values_list("child_id", "type")
    ]
