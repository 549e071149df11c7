"""The children API: list and search, create, read, identifiers, addresses, concerns and the
chronology. Thin: every read of a child goes through child_read (the access policy decides and the
read or refusal is logged), lists are logged with children_listed, and every write is a service.
A child the user may not see answers 404, exactly as a child that does not exist."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read, children_listed
from mace.accounts.requests import AuthedRequest
from mace.concerns.api import concerns_shown
from mace.concerns.models import Concern
from mace.concerns.schemas import ConcernIn, ConcernOut
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.core.schemas import Id
from mace.people import services
from mace.people.models import (
    AgencyInvolvement,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChronologyEntry,
)
from mace.people.restricted import withhold
from mace.people.schemas import (
    ERROR_RESPONSES,
    AddressConflictOut,
    AddressIn,
    AddressOut,
    AddressPatchIn,
    AmendmentIn,
    AmendmentOut,
    ChildConflictOut,
    ChildIn,
    ChildListOut,
    ChildListQuery,
    ChildOut,
    ChildPatchIn,
    ChronologyEntryOut,
    ChronologyListOut,
    ChronologyQuery,
    IdentifierIn,
    IdentifierOut,
    NoteIn,
    RecordElsewhereOut,
)
from mace.people.selectors import child_search, chronology_for
from mace.reference.models import Area

router = Router(tags=["children"])


def _read(request: AuthedRequest, child_id: Id, action: str) -> Child:
    """The child, if the policy lets this user see them, with the read (or refusal) logged."""
    return child_read(
        user=request.user,
        child_id=child_id,
        action=action,
        channel=AccessChannel.API,
        path=request.path,
    )


def _shown[T: (ChronologyEntry, Concern)](request: AuthedRequest, child: Child, item: T) -> T:
    """An entry or concern as this caller may read it (restricted content withheld)."""
    withhold(request.user, child, [item])
    return item


def _with_record(child: Child) -> Child:
    """Load what the child's record shows in a fixed number of queries."""
    prefetch_related_objects(
        [child],
        Prefetch("identifiers", queryset=ChildIdentifier.objects.select_related("agency")),
        Prefetch("addresses", queryset=ChildAddress.objects.select_related("area__quadrant")),
        Prefetch(
            "involvements",
            queryset=AgencyInvolvement.objects.filter(ended_at__isnull=True)
            .select_related("agency")
            .order_by("agency__name"),
        ),
    )
    return child


def _area_by_code(code: str | None) -> Area | None:
    if not code:
        return None
    area = Area.objects.select_related("quadrant").filter(code=code).first()
    if area is None:
        raise DomainError({"area": ["Choose a council area from the list, like basildon"]})
    return area


# The children listed are counted up to this many: a caseload of tens of thousands is not
# counted row by row to draw one page.
LIST_COUNT_BOUND = 1000


@router.get("", response={200: ChildListOut, **ERROR_RESPONSES}, summary="List or search children")
def children_list(request: AuthedRequest, params: Query[ChildListQuery]) -> ChildListOut:
    """Without q or dob: the children you may see. With them: the children you may see who
    match, and, for an exact strong identifier (NHS number, UPN, local authority or police
    reference) in q together with the matching dob of a child you may not see, that a record
    exists and which agencies to contact (so nobody creates a duplicate). A MACE reference, a
    name, or an identifier with no or another dob answers as if nothing matched. `count` is
    bounded (1,000 for the list, 50 for a search): `truncated` says there are more."""
    user = request.user
    # The same rule as the "find a child" page: roles without case content have no register.
    if not policy.sees_case_content(user):
        raise Refused("Your role does not include children's case records")
    elsewhere: list[RecordElsewhereOut] = []
    truncated = False
    limit, offset = params.limit, params.offset
    if params.q.strip() or params.dob is not None:
        result = child_search(
            user=user, query=params.q, dob=params.dob, channel=AccessChannel.API, path=request.path
        )
        count = len(result.children)
        children = result.children[offset : offset + limit]
        truncated = result.truncated
        elsewhere = [RecordElsewhereOut(**vars(e)) for e in result.elsewhere]
    else:
        visible = Child.objects.visible_to(user).select_related("area__quadrant")
        # Counted up to a bound, never over a whole caseload: past it, `truncated` says so.
        count = visible.order_by()[: LIST_COUNT_BOUND + 1].count()
        truncated = count > LIST_COUNT_BOUND
        count = min(count, LIST_COUNT_BOUND)
        children = list(visible.order_by("surname", "forename", "pk")[offset : offset + limit])
    children_listed(user=user, children=children, channel=AccessChannel.API, path=request.path)
    return ChildListOut.model_validate(
        {
            "count": count,
            "limit": limit,
            "offset": offset,
            "truncated": truncated,
            "items": children,
            "record_elsewhere": elsewhere,
        }
    )


@router.post("", response={201: ChildOut, **ERROR_RESPONSES}, summary="Create a child's record")
def child_create(request: AuthedRequest, payload: ChildIn) -> Status[Child]:
    """Your agency becomes involved with the child. Search first: an exact identifier match
    tells you a record already exists."""
    created = services.child_create(actor=request.user, **payload.model_dump())
    # The answer shows the new record, so it is read (and logged) like any other.
    return Status(201, _with_record(_read(request, created.pk, AccessAction.CHANGE)))


@router.get("/{child_id}", response={200: ChildOut, **ERROR_RESPONSES}, summary="Read a child")
def child_detail(request: AuthedRequest, child_id: Id) -> Child:
    return _with_record(_read(request, child_id, AccessAction.VIEW))


CONFLICT_DETAIL = "Someone else changed this record after you read it; nothing was written"


def _conflict(current: Any) -> dict[str, Any]:
    return {
        "detail": CONFLICT_DETAIL,
        "errors": [
            {
                "field": "version",
                "message": f"The record is now at version {current.version}: compare and resend",
            }
        ],
        "current": current,
    }


@router.patch(
    "/{child_id}",
    response={200: ChildOut, 409: ChildConflictOut, **ERROR_RESPONSES},
    summary="Change a child's details",
)
def child_update(request: AuthedRequest, child_id: Id, payload: ChildPatchIn) -> Any:
    """Send the `version` you read and only the fields you change. If someone changed the record
    since, nothing is written and the answer is 409 with the record as it is now."""
    child = _read(request, child_id, AccessAction.CHANGE)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    try:
        services.child_update(
            actor=request.user, child=child, version=payload.version, changes=changes
        )
    except ConflictError as conflict:
        return Status(409, _conflict(_with_record(conflict.current)))  # type: ignore[arg-type]
    return _with_record(Child.objects.select_related("area__quadrant").get(pk=child.pk))


@router.patch(
    "/{child_id}/addresses/{address_id}",
    response={200: AddressOut, 409: AddressConflictOut, **ERROR_RESPONSES},
    summary="Change or end an address",
)
def address_update(
    request: AuthedRequest, child_id: Id, address_id: int, payload: AddressPatchIn
) -> Any:
    """Send the `version` you read and only the fields you change: `end_date` ends the address,
    `area` places it by hand. A stale version answers 409 with the address as it is now."""
    child = _read(request, child_id, AccessAction.CHANGE)
    # Looked up within the child already read, so an address id cannot reach another child.
    address = get_object_or_404(ChildAddress, pk=address_id, child=child)
    changes = payload.model_dump(exclude_unset=True, exclude={"version", "area"})
    try:
        services.child_address_update(
            actor=request.user,
            address=address,
            version=payload.version,
            changes=changes,
            area=_area_by_code(payload.area),
        )
    except ConflictError as conflict:
        return Status(409, _conflict(conflict.current))
    return ChildAddress.objects.select_related("area__quadrant").get(pk=address.pk)


@router.get(
    "/{child_id}/identifiers",
    response={200: list[IdentifierOut], **ERROR_RESPONSES},
    summary="A child's identifiers",
)
def identifiers_list(request: AuthedRequest, child_id: Id) -> list[ChildIdentifier]:
    child = _read(request, child_id, AccessAction.VIEW)
    return list(child.identifiers.select_related("agency"))


@router.post(
    "/{child_id}/identifiers",
    response={201: IdentifierOut, **ERROR_RESPONSES},
    summary="Add an identifier",
)
def identifier_add(
    request: AuthedRequest, child_id: Id, payload: IdentifierIn
) -> Status[ChildIdentifier]:
    """An NHS number must pass its modulus-11 check and a UPN its check letter; an identifier
    that already belongs to another child is refused."""
    child = _read(request, child_id, AccessAction.CHANGE)
    identifier = services.child_identifier_add(
        actor=request.user, child=child, **payload.model_dump()
    )
    return Status(201, identifier)


@router.get(
    "/{child_id}/addresses",
    response={200: list[AddressOut], **ERROR_RESPONSES},
    summary="A child's addresses, newest first",
)
def addresses_list(request: AuthedRequest, child_id: Id) -> list[ChildAddress]:
    child = _read(request, child_id, AccessAction.VIEW)
    return list(child.addresses.select_related("area__quadrant"))


@router.post(
    "/{child_id}/addresses",
    response={201: AddressOut, **ERROR_RESPONSES},
    summary="Add an address",
)
def address_add(request: AuthedRequest, child_id: Id, payload: AddressIn) -> Status[ChildAddress]:
    """The postcode places the address in a council area (and so a quadrant). When it cannot,
    the answer says the address is not placed; give `area` to place it by hand."""
    child = _read(request, child_id, AccessAction.CHANGE)
    fields = payload.model_dump(exclude={"area"})
    address = services.child_address_add(
        actor=request.user, child=child, area=_area_by_code(payload.area), **fields
    )
    return Status(201, address)


@router.get(
    "/{child_id}/concerns",
    response={200: list[ConcernOut], **ERROR_RESPONSES},
    summary="Concerns recorded about a child, newest first",
)
def concerns_list(request: AuthedRequest, child_id: Id) -> list[Concern]:
    """A restricted concern you may not read shows only that it exists (`withheld`)."""
    child = _read(request, child_id, AccessAction.VIEW_CONCERN)
    concerns = list(concerns_shown().filter(child=child))
    withhold(request.user, child, concerns)
    return concerns


@router.post(
    "/{child_id}/concerns",
    response={201: ConcernOut, **ERROR_RESPONSES},
    summary="Record a concern",
)
def concern_add(request: AuthedRequest, child_id: Id, payload: ConcernIn) -> Status[Concern]:
    """The indicators seen (each with when and how you know), what you saw or were told, and
    where the concern goes. It goes on the child's chronology and involves your agency."""
    child = _read(request, child_id, AccessAction.CHANGE)
    concern = concern_record(
        actor=request.user,
        child=child,
        narrative=payload.narrative,
        indicators=[
            IndicatorSeen(i.indicator, i.seen_on, i.source, i.note) for i in payload.indicators
        ],
        routes=[RouteTo(r.route, r.target_date) for r in payload.routes],
        restricted=payload.restricted,
        restriction_reason=payload.restriction_reason,
    )
    return Status(201, _shown(request, child, concerns_shown().get(pk=concern.pk)))


@router.get(
    "/{child_id}/chronology",
    response={200: ChronologyListOut, **ERROR_RESPONSES},
    summary="A child's chronology, newest first",
)
def chronology(
    request: AuthedRequest, child_id: Id, params: Query[ChronologyQuery]
) -> ChronologyListOut:
    """Original entries newest first, a page at a time (`limit`, `offset`; `count` is how many
    there are in all, of the kind and agency asked for), each with its amendments nested under
    it and, for a concern, the indicators and routes. `kind` and `agency` narrow it to entries of
    one kind or recorded by one agency. A fixed number of queries however long it is."""
    child = _read(request, child_id, AccessAction.VIEW_CHRONOLOGY)
    entries = chronology_for(
        child, kind=params.kind.value if params.kind else "", agency_id=params.agency
    )
    limit, offset = params.limit, params.offset
    page = list(entries[offset : offset + limit])
    withhold(request.user, child, page)
    return ChronologyListOut.model_validate(
        {"count": entries.count(), "limit": limit, "offset": offset, "items": page}
    )


@router.post(
    "/{child_id}/chronology",
    response={201: ChronologyEntryOut, **ERROR_RESPONSES},
    summary="Add a note to a child's chronology",
)
def note_add(request: AuthedRequest, child_id: Id, payload: NoteIn) -> Status[ChronologyEntry]:
    """A note (a conversation, a sighting, a decision). `restricted` keeps its content to your
    agency and the MACE chairs of the child's quadrant (say why in `restriction_reason`); others
    who see the child see only that it exists. Adding a note involves your agency."""
    child = _read(request, child_id, AccessAction.CHANGE)
    entry = services.chronology_note_add(actor=request.user, child=child, **payload.model_dump())
    return Status(201, _shown(request, child, chronology_for(child).get(pk=entry.pk)))


@router.post(
    "/{child_id}/chronology/{entry_id}/amendments",
    response={201: AmendmentOut, **ERROR_RESPONSES},
    summary="Correct a chronology entry",
)
def chronology_amend(
    request: AuthedRequest, child_id: Id, entry_id: int, payload: AmendmentIn
) -> Status[ChronologyEntry]:
    """Entries are never edited: the correction is a new entry and the original stays. Only
    the agency that made the entry may correct it."""
    child = _read(request, child_id, AccessAction.CHANGE)
    # Looked up within the child already read, so an entry id cannot reach another child.
    entry = get_object_or_404(
        ChronologyEntry.objects.select_related("agency", "child"), pk=entry_id, child=child
    )
    amendment = services.chronology_amend(actor=request.user, entry=entry, **payload.model_dump())
    return Status(201, _shown(request, child, amendment))
