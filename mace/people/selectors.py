"""Reads of children that are more than a queryset: search and the chronology."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from mace.access import policy
from mace.access.choices import AccessAction, AccessOutcome
from mace.access.services import access_record
from mace.concerns.models import ConcernIndicator, ConcernRoute
from mace.people.lookups import children_by_identifier, children_by_strong_identifier
from mace.people.models import AgencyInvolvement, Child, ChronologyEntry
from mace.people.restricted import withhold
from mace.reference.models import Agency

if TYPE_CHECKING:
    from mace.accounts.models import User

SEARCH_LIMIT = 50


@dataclass
class RecordElsewhere:
    """An exact identifier match on a child the user cannot see: a record exists; who to ask."""

    identifier_type: str
    agencies: list[str]
    contacts: list[str]


@dataclass
class SearchResult:
    children: list[Child] = field(default_factory=list)
    elsewhere: list[RecordElsewhere] = field(default_factory=list)
    truncated: bool = False


def _tell_record_elsewhere(
    user: User,
    result: SearchResult,
    told: list[tuple[int, str]],
    *,
    channel: str,
    path: str,
) -> None:
    """Say that each of these children (whom the user cannot see) has a record, and which
    agencies to contact, and log each look."""
    involvements = (
        AgencyInvolvement.objects.filter(
            child_id__in={cid for cid, _ in told}, ended_at__isnull=True
        )
        .select_related("agency")
        .order_by("agency__name")
    )
    by_child: dict[int, list] = {}
    for involvement in involvements:
        by_child.setdefault(involvement.child_id, []).append(involvement.agency)
    for child_id, id_type in told:
        agencies = by_child.get(child_id, [])
        result.elsewhere.append(
            RecordElsewhere(
                identifier_type=id_type,
                agencies=[a.name for a in agencies],
                contacts=[a.contact for a in agencies if a.contact],
            )
        )
        access_record(
            user=user,
            child_id=child_id,
            action=AccessAction.EXISTS,
            outcome=AccessOutcome.REFUSED,
            channel=channel,
            path=path,
            detail="Strong identifier and date of birth match on a child the user cannot see",
        )


def _parse_date(query: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(query.strip(), fmt).date()
        except ValueError:
            continue
    return None


def child_search(
    *, user: User, query: str, dob: date | None = None, channel: str, path: str = ""
) -> SearchResult:
    """Children the user may see who match a name, a date of birth or an exact identifier.

    A child the user cannot see is reported (that a record exists and which agencies to contact,
    none of the child's details) only for an exact strong identifier (NHS number, UPN, local
    authority or police reference) together with the matching date of birth (`dob`); never for a
    MACE reference or a name. Every such look is logged, told or not."""
    result = SearchResult()
    query = (query or "").strip()
    if not query and dob is None:
        return result
    visible = Child.objects.visible_to(user).select_related("area__quadrant")

    by_identifier = children_by_identifier(query) if query else []
    if by_identifier:
        ids = {child_id for child_id, _ in by_identifier}
        result.children = list(visible.filter(pk__in=ids))
        seen = {c.pk for c in result.children}
        hidden = {cid for cid, _ in by_identifier if cid not in seen}
        told = [(cid, t) for cid, t in children_by_strong_identifier(query, dob) if cid in hidden]
        if told and policy.sees_case_content(user):
            _tell_record_elsewhere(user, result, told, channel=channel, path=path)
        # A match the user may not be told about (a MACE reference, a weak identifier, no or
        # another date of birth) answers exactly as an unknown identifier does; the look is
        # logged all the same, for whoever reviews the audit.
        for child_id in sorted(hidden - {cid for cid, _ in told}):
            access_record(
                user=user,
                child_id=child_id,
                action=AccessAction.EXISTS,
                outcome=AccessOutcome.REFUSED,
                channel=channel,
                path=path,
                detail=(
                    "Identifier match on a child the user cannot see, without a strong "
                    "identifier and the matching date of birth: nothing said"
                ),
            )
        if result.children or result.elsewhere:
            return result

    filters = Q()
    query_date = _parse_date(query) if query else None
    if query_date is not None:
        filters &= Q(dob=query_date)
    else:
        # Every word is part of one of the names (search_name holds them all in lower case;
        # a trigram index on PostgreSQL finds the children without reading them all).
        for term in query.lower().split():
            filters &= Q(search_name__contains=term)
    if dob is not None:
        filters &= Q(dob=dob)
    # In alphabetical order regardless of case. Lower() also keeps PostgreSQL from walking the
    # whole surname index in order while testing every name against the words (slow when the
    # matches sort late): it reads the matches from the trigram index, then sorts those.
    order = (Lower("surname"), Lower("forename"), "pk")
    rows = list(visible.filter(filters).order_by(*order)[: SEARCH_LIMIT + 1])
    result.truncated = len(rows) > SEARCH_LIMIT
    result.children = rows[:SEARCH_LIMIT]
    return result


# Entries on one page of the chronology: the whole of a long history is never drawn at once.
CHRONOLOGY_PER_PAGE = 25


def chronology_for(
    child: Child, *, kind: str = "", agency_id: int | None = None
) -> QuerySet[ChronologyEntry]:
    """The child's chronology, newest first: original entries with their amendments beside them,
    and for concerns the indicators and routes; only entries of one `kind` or by one agency
    when asked. A fixed number of queries however long it is; slice it to read a page."""
    amendments = ChronologyEntry.objects.select_related("author", "agency").order_by("recorded_at")
    entries = ChronologyEntry.objects.filter(child=child, amends__isnull=True)
    if kind:
        entries = entries.filter(kind=kind)
    if agency_id is not None:
        entries = entries.filter(agency_id=agency_id)
    entries = (
        entries.select_related("author", "agency", "concern")
        .prefetch_related(
            Prefetch("amendments", queryset=amendments),
            Prefetch(
                "concern__indicators",
                queryset=ConcernIndicator.objects.select_related("indicator"),
            ),
            Prefetch("concern__routes", queryset=ConcernRoute.objects.all()),
        )
        .order_by("-occurred_at", "-id")
    )
    return entries


def chronology_agencies(child: Child) -> list[Agency]:
    """The agencies that wrote on the child's chronology, to filter it by (one query over the
    child's own entries)."""
    ids = ChronologyEntry.objects.filter(child=child, amends__isnull=True).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def chronology_page(
    user: User,
    child: Child,
    *,
    kind: str = "",
    agency_id: int | None = None,
    page: int | str | None = 1,
    per_page: int = CHRONOLOGY_PER_PAGE,
) -> Page:
    """One page of the chronology as this user may read it, newest first: restricted entries
    they may not read are marked `withheld` (with whom to ask) and must be shown only as
    existing, their date and agency. A page number past the end gives the last page. Counting
    the pages reads only this child's entries (an index on the child), however large the
    partnership's records."""
    entries = chronology_for(child, kind=kind, agency_id=agency_id)
    shown = Paginator(entries, per_page).get_page(page)
    shown.object_list = list(shown.object_list)
    withhold(user, child, shown.object_list)
    return shown
