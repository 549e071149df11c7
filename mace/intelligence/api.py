"""The intelligence API: for each kind of record (persons, locations, vehicles, phones, accounts)
list and search, create, read, change and its links; a child's links; and recording a link.
Thin: the access policy decides (through the selectors and services), every read of a record is
logged, and a record the user may not see answers 404 exactly as one that does not exist.

No `from __future__ import annotations` here: the routes for the five kinds are built in a loop,
and Ninja reads each route's annotations as objects to build the OpenAPI document."""

from dataclasses import dataclass
from typing import Any

from ninja import Query, Router, Schema, Status

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read, children_listed
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.core.schemas import Id
from mace.intelligence import schemas, selectors, services
from mace.intelligence.choices import RecordKind
from mace.intelligence.kinds import KINDS
from mace.intelligence.models import Link, Record
from mace.intelligence.origins import origin_description, origin_resolve
from mace.intelligence.selectors import ShownLink
from mace.intelligence.services import DuplicateRecord
from mace.people.models import Child
from mace.people.schemas import ERROR_RESPONSES
from mace.reference.models import Agency, Area

router = Router(tags=["intelligence"])

CONFLICT_DETAIL = "Someone else changed this record after you read it; nothing was written"


@dataclass(frozen=True)
class KindSchemas:
    create_in: type[Schema]
    patch_in: type[Schema]
    out: type[Schema]
    list_out: type[Schema]
    conflict_out: type[Schema]


SCHEMAS: dict[str, KindSchemas] = {
    RecordKind.PERSON: KindSchemas(
        schemas.PersonIn,
        schemas.PersonPatchIn,
        schemas.PersonOut,
        schemas.PersonListOut,
        schemas.PersonConflictOut,
    ),
    RecordKind.LOCATION: KindSchemas(
        schemas.LocationIn,
        schemas.LocationPatchIn,
        schemas.LocationOut,
        schemas.LocationListOut,
        schemas.LocationConflictOut,
    ),
    RecordKind.VEHICLE: KindSchemas(
        schemas.VehicleIn,
        schemas.VehiclePatchIn,
        schemas.VehicleOut,
        schemas.VehicleListOut,
        schemas.VehicleConflictOut,
    ),
    RecordKind.PHONE: KindSchemas(
        schemas.PhoneIn,
        schemas.PhonePatchIn,
        schemas.PhoneOut,
        schemas.PhoneListOut,
        schemas.PhoneConflictOut,
    ),
    RecordKind.ACCOUNT: KindSchemas(
        schemas.AccountIn,
        schemas.AccountPatchIn,
        schemas.AccountOut,
        schemas.AccountListOut,
        schemas.AccountConflictOut,
    ),
}


def _read(request: AuthedRequest, kind: str, record_id: Id, action: str) -> Any:
    return selectors.record_read(
        user=request.user,
        kind=kind,
        pk=record_id,
        action=action,
        channel=AccessChannel.API,
        path=request.path,
    )


def _area_by_code(code: str | None) -> Area | None:
    if not code:
        return None
    area = Area.objects.select_related("quadrant").filter(code=code).first()
    if area is None:
        raise DomainError({"area": ["Choose a council area from the list, like basildon"]})
    return area


def _service_data(values: dict[str, Any]) -> dict[str, Any]:
    """The API's values as the service takes them (an area by its code)."""
    if "area" in values:
        values["area"] = _area_by_code(values["area"])
    return values


def _duplicate(user: User, duplicate: DuplicateRecord) -> DomainError:
    """A duplicate as a 422 that offers the record already there: where to read it, or, if the
    user may not see it, who recorded it."""
    existing = duplicate.existing
    info = KINDS[existing.kind]
    if policy.can_view_intelligence(user, existing):
        where = (
            f": {info.singular} {existing.pk}, GET /api/v1/intelligence/{info.slug}/{existing.pk}"
        )
    else:
        where = f" by {existing.agency.name}, outside what you can see"
    errors = {
        field: [f"{message}{where}" for message in messages]
        for field, messages in duplicate.errors.items()
    }
    return DomainError(errors)


def _end_out(end: selectors.LinkEnd, name: str) -> dict[str, Any]:
    """An end as the API names it: by its own name (never "this person"), unless withheld."""
    return {
        "kind": end.kind,
        "id": end.id,
        "name": name if end.visible else None,
        "visible": end.visible,
    }


def _link_out(row: ShownLink) -> dict[str, Any]:
    link: Link = row.link
    origin = None
    if row.origin and link.origin_type_id is not None and link.origin_id is not None:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_id(link.origin_type_id)
        origin = {
            "type": f"{content_type.app_label}.{content_type.model}",
            "id": link.origin_id,
            "description": origin_description(link.origin_type_id),
        }
    subject_name = link.child.full_name if link.child is not None else link.subject.label  # type: ignore[union-attr]
    target_name = link.target.label
    return {
        "id": link.pk,
        "sentence": _sentence(row),
        "subject": _end_out(row.subject, subject_name),
        "relationship": link.relationship,
        "relationship_label": link.get_relationship_display(),
        "target": _end_out(row.target, target_name),
        "information_date": link.information_date,
        "source_kind": link.source_kind,
        "source_kind_label": link.get_source_kind_display(),
        "source_agency": link.source_agency.name,
        "source_detail": link.source_detail,
        "grading": {
            "source_evaluation": link.source_evaluation,
            "intelligence_assessment": link.intelligence_assessment,
            "handling_code": link.handling_code,
            "handling_conditions": link.handling_conditions,
            "code": link.grading_code,
            "words": link.grading_words,
            "belief": link.belief,
            "presented_as_fact": link.presented_as_fact,
        },
        "note": link.note,
        "origin": origin,
        "agency": link.agency.name,
        "created_at": link.created_at,
    }


def _sentence(row: ShownLink) -> str:
    """The link in words with every end named (no "this person": an API answer stands alone)."""
    link = row.link

    def named(end: selectors.LinkEnd, name: str) -> str:
        return name if end.here else end.text

    subject = named(row.subject, link.child.full_name if link.child else link.subject.label)  # type: ignore[union-attr]
    words = f"{subject} {link.get_relationship_display()} {named(row.target, link.target.label)}."
    words = words[:1].upper() + words[1:]
    return words if row.established else f"{link.belief_label}: {words}"


def _link_list(result: selectors.LinkList) -> dict[str, Any]:
    return {
        "count": result.total,
        "items": [_link_out(row) for row in result.rows],
        "children_not_shown": result.children_not_shown,
    }


def _add_routes(kind: str) -> None:
    info = KINDS[kind]
    spec = SCHEMAS[kind]
    tag = [f"intelligence: {info.plural}"]

    def list_records(request: AuthedRequest, params: Query[schemas.RecordListQuery]) -> Any:
        user = request.user
        if not policy.can_list_intelligence(user, kind):
            raise Refused(f"Your role does not include {info.plural}")
        records = selectors.record_search(user=user, kind=kind, query=params.q)
        return {
            "count": records.count(),
            "limit": params.limit,
            "offset": params.offset,
            "items": list(records[params.offset : params.offset + params.limit]),
        }

    def create_record(request: AuthedRequest, payload: spec.create_in) -> Any:  # type: ignore[name-defined]
        user = request.user
        try:
            created = services.record_create(
                actor=user, kind=kind, data=_service_data(payload.model_dump())
            )
        except DuplicateRecord as duplicate:
            raise _duplicate(user, duplicate) from None
        # The answer shows the new record, so it is read (and logged) like any other.
        return Status(201, _read(request, kind, created.pk, AccessAction.CHANGE))

    def read_record(request: AuthedRequest, record_id: Id) -> Any:
        return _read(request, kind, record_id, AccessAction.VIEW)

    def change_record(request: AuthedRequest, record_id: Id, payload: spec.patch_in) -> Any:  # type: ignore[name-defined]
        user = request.user
        record = _read(request, kind, record_id, AccessAction.CHANGE)
        changes = _service_data(payload.model_dump(exclude_unset=True, exclude={"version"}))
        try:
            services.record_update(
                actor=user, record=record, version=payload.version, changes=changes
            )
        except ConflictError as conflict:
            current = selectors.records_of(kind).get(pk=conflict.current.pk)
            return Status(
                409,
                {
                    "detail": CONFLICT_DETAIL,
                    "errors": [
                        {
                            "field": "version",
                            "message": f"The record is now at version {current.version}: "
                            "compare and resend",
                        }
                    ],
                    "current": current,
                },
            )
        except DuplicateRecord as duplicate:
            raise _duplicate(user, duplicate) from None
        return selectors.records_of(kind).get(pk=record.pk)

    def record_links(request: AuthedRequest, record_id: Id) -> Any:
        user = request.user
        record = _read(request, kind, record_id, AccessAction.VIEW)
        result = selectors.links_for_record(user, record.record)
        children_listed(
            user=user, children=result.named_children, channel=AccessChannel.API, path=request.path
        )
        return _link_list(result)

    router.add_api_operation(
        f"/{info.slug}",
        ["GET"],
        list_records,
        response={200: spec.list_out, **ERROR_RESPONSES},
        summary=f"List or search {info.plural}",
        description=f"The {info.plural} you may see, in pages; `q` searches them.",
        operation_id=f"intelligence_{kind}_list",
        tags=tag,
    )
    router.add_api_operation(
        f"/{info.slug}",
        ["POST"],
        create_record,
        response={201: spec.out, **ERROR_RESPONSES},
        summary=f"Record {info.article}",
        description=(
            "Search first. One already recorded (the same registration, number, handle, or "
            "postcode and first line) answers 422 naming it, so nothing is entered twice."
        ),
        operation_id=f"intelligence_{kind}_create",
        tags=tag,
    )
    router.add_api_operation(
        f"/{info.slug}/{{record_id}}",
        ["GET"],
        read_record,
        response={200: spec.out, **ERROR_RESPONSES},
        summary=f"Read {info.article}",
        operation_id=f"intelligence_{kind}_read",
        tags=tag,
    )
    router.add_api_operation(
        f"/{info.slug}/{{record_id}}",
        ["PATCH"],
        change_record,
        response={200: spec.out, 409: spec.conflict_out, **ERROR_RESPONSES},
        summary=f"Change {info.article}",
        description=(
            "Send the `version` you read and only the fields you change. If someone changed "
            "the record since, nothing is written and the answer is 409 with it as it is now."
        ),
        operation_id=f"intelligence_{kind}_change",
        tags=tag,
    )
    router.add_api_operation(
        f"/{info.slug}/{{record_id}}/links",
        ["GET"],
        record_links,
        response={200: schemas.LinkListOut, **ERROR_RESPONSES},
        summary=f"Links of {info.article}, newest first",
        description=(
            "Each with its source and grading. A child is named only if you may see them; a "
            "district officer gets only the number of links to children."
        ),
        operation_id=f"intelligence_{kind}_links",
        tags=tag,
    )


for _kind in KINDS:
    _add_routes(_kind)


@router.get(
    "/children/{child_id}/links",
    response={200: schemas.LinkListOut, **ERROR_RESPONSES},
    summary="A child's links to persons, places, vehicles, phones and accounts, newest first",
    operation_id="intelligence_child_links",
    tags=["intelligence: links"],
)
def child_links(request: AuthedRequest, child_id: Id) -> Any:
    """404 for a child you may not see, as for one that does not exist."""
    user = request.user
    child = child_read(
        user=user,
        child_id=child_id,
        action=AccessAction.VIEW,
        channel=AccessChannel.API,
        path=request.path,
    )
    if not policy.sees_links_to_children(user):
        raise Refused("Your role does not include intelligence records")
    return _link_list(selectors.links_for_child(user, child))


def _end(request: AuthedRequest, end: schemas.EndIn, field: str) -> Record:
    if end.kind not in KINDS:
        raise DomainError({f"{field}.kind": ["Choose person, location, vehicle, phone or account"]})
    return _read(request, end.kind, end.id, AccessAction.CHANGE).record


@router.post(
    "/links",
    response={201: schemas.LinkOut, **ERROR_RESPONSES},
    summary="Record a link",
    operation_id="intelligence_link_create",
    tags=["intelligence: links"],
)
def link_create(request: AuthedRequest, payload: schemas.LinkIn) -> Any:
    """ "<subject or child> <relationship> <target>", with its source, date and 3x5x2 grading.
    An end you may not see answers 404, as one that does not exist; the same information from
    the same source on the same date is refused (422)."""
    user = request.user
    target = _end(request, payload.target, "target")
    subject = _end(request, payload.subject, "subject") if payload.subject is not None else None
    child: Child | None = None
    if payload.child is not None:
        child = child_read(
            user=user,
            child_id=payload.child,
            action=AccessAction.CHANGE,
            channel=AccessChannel.API,
            path=request.path,
        )
    source_agency = None
    if payload.source_agency:
        source_agency = Agency.objects.filter(name=payload.source_agency).first()
        if source_agency is None:
            raise DomainError({"source_agency": ["Give an agency's name as the platform lists it"]})
    origin = (
        origin_resolve(user, payload.origin.type, payload.origin.id) if payload.origin else None
    )
    link = services.link_create(
        actor=user,
        subject=subject,
        child=child,
        relationship=payload.relationship,
        target=target,
        information_date=payload.information_date,
        source_kind=payload.source_kind,
        source_agency=source_agency,
        source_detail=payload.source_detail,
        source_evaluation=payload.source_evaluation,
        intelligence_assessment=payload.intelligence_assessment,
        handling_code=payload.handling_code,
        handling_conditions=payload.handling_conditions,
        note=payload.note,
        origin=origin,
    )
    loaded = selectors.links_loaded().get(pk=link.pk)
    rows, named = selectors.show_links(user, [loaded])
    children_listed(user=user, children=named, channel=AccessChannel.API, path=request.path)
    return Status(201, _link_out(rows[0]))
