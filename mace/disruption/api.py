"""The disruption API: the list (filtered, scoped), recording one, reading and changing one (409
on a stale version), and its evidence items. Thin: the access policy decides (through the
selectors and services), every read is logged, and a disruption the caller may not see answers
404 exactly as one that does not exist."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from ninja import Query, Router, Status

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import children_listed
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.core.schemas import Id
from mace.disruption import selectors, services
from mace.disruption.models import Disruption, EvidenceItem
from mace.disruption.schemas import (
    DisruptionConflictOut,
    DisruptionEvidenceOut,
    DisruptionIn,
    DisruptionListOut,
    DisruptionListQuery,
    DisruptionOut,
    DisruptionPatchIn,
    EvidenceIn,
    EvidenceListOut,
)
from mace.intelligence.models import Record
from mace.meetings.models import Action
from mace.people.models import Child
from mace.people.schemas import ERROR_RESPONSES
from mace.reference.models import Agency

router = Router(tags=["disruption"])

CONFLICT_DETAIL = "Someone else changed this disruption after you read it; nothing was written"


def _read(request: AuthedRequest, disruption_id: Id, action: str) -> Disruption:
    return selectors.disruption_read(
        user=request.user,
        pk=disruption_id,
        action=action,
        channel=AccessChannel.API,
        path=request.path,
    )


def _child_out(row: Any, named: set[int]) -> dict[str, Any] | None:
    if row.child_id is None:
        return None
    shown = row.child_id in named
    return {
        "id": row.child_id if shown else None,
        "name": selectors.child_words(row, named),
        "shown": shown,
    }


def _subject_out(record: Record | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"id": record.pk, "kind": record.kind, "label": record.label}


def _disruption_out(d: Disruption, named: set[int]) -> dict[str, Any]:
    action = d.action
    return {
        "id": d.pk,
        "type": d.type,
        "type_label": d.get_type_display(),
        "subject": _subject_out(d.subject),
        "child": _child_out(d, named),
        "lead_agency": d.lead_agency.name,
        "legal_basis": d.legal_basis,
        "applied_on": d.applied_on,
        "granted_on": d.granted_on,
        "served_on": d.served_on,
        "expires_on": d.expires_on,
        "review_on": d.review_on,
        "status": d.status,
        "status_label": d.get_status_display(),
        "outcome": d.outcome,
        "action": None
        if action is None
        else {
            "id": action.pk,
            "owner_agency": action.owner_agency.name,
            "due_on": action.due_on,
            "status": action.status,
        },
        "notes": d.notes,
        "created_at": d.created_at,
        "created_by": d.created_by.display_name,
        "version": d.version,
    }


def _evidence_out(item: EvidenceItem, named: set[int]) -> dict[str, Any]:
    return {
        "id": item.pk,
        "description": item.description,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "collected_on": item.collected_on,
        "collected_by": item.collected_by.name,
        "child": _child_out(item, named),
        "person": _subject_out(item.person),
        "action": item.action_id,
        "disruption": item.disruption_id,
        "storage_reference": item.storage_reference,
        "created_at": item.created_at,
        "version": item.version,
    }


def _shown(request: AuthedRequest, rows: list[Any]) -> set[int]:
    """The children of these rows the caller may see named, their listing logged."""
    user = request.user
    named = selectors.named_children(user, rows)
    children = {row.child.pk: row.child for row in rows if row.child_id in named}
    if children:
        children_listed(
            user=user, children=children.values(), channel=AccessChannel.API, path=request.path
        )
    return named


def _agency(name: str | None, field: str) -> Agency | None:
    if not name:
        return None
    agency = Agency.objects.filter(name=name).first()
    if agency is None:
        raise DomainError({field: ["Give an agency's name as the platform lists it"]})
    return agency


def _child(user: User, child_id: int | None, field: str = "child") -> Child | None:
    if child_id is None:
        return None
    child = Child.objects.filter(pk=child_id).first()
    if child is None or not policy.can_view_child(user, child):
        raise DomainError({field: ["Give the id of a child you work with"]})
    return child


def _action(action_id: int | None) -> Action | None:
    if action_id is None:
        return None
    action = Action.objects.filter(pk=action_id).first()
    if action is None:
        raise DomainError({"action": ["Give the id of a MACE action you work on"]})
    return action


def _one(request: AuthedRequest, disruption: Disruption) -> dict[str, Any]:
    loaded = selectors.disruptions_loaded().get(pk=disruption.pk)
    return _disruption_out(loaded, _shown(request, [loaded]))


@router.get(
    "",
    response={200: DisruptionListOut, **ERROR_RESPONSES},
    summary="List disruption",
    operation_id="disruption_list",
)
def disruption_list(request: AuthedRequest, params: Query[DisruptionListQuery]) -> Any:
    """The disruption you may see, newest first, in pages; filtered by type, status and lead
    agency."""
    user = request.user
    if not policy.can_list_disruption(user):
        raise Refused("Your role does not include disruption")
    agency = _agency(params.lead_agency, "lead_agency")
    found = selectors.disruption_search(
        user=user,
        type=params.type,
        status=params.status,
        lead_agency_id=agency.pk if agency else None,
    )
    rows = list(found[params.offset : params.offset + params.limit])
    named = _shown(request, rows)
    return {
        "count": found.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [_disruption_out(d, named) for d in rows],
    }


@router.post(
    "",
    response={201: DisruptionOut, **ERROR_RESPONSES},
    summary="Record disruption",
    operation_id="disruption_create",
)
def disruption_create(request: AuthedRequest, payload: DisruptionIn) -> Any:
    """On a person, location or vehicle you may see (404 for one you may not, as for one that
    does not exist). Bad values answer 422 with field errors; nothing is written."""
    user = request.user
    if not policy.can_record_disruption(user):
        raise Refused("Your role does not include recording disruption")
    subject = policy.scope_intelligence(user, Record.objects.all()).filter(pk=payload.subject)
    found = subject.first()
    if found is None:
        raise Http404("No record found")
    values = payload.model_dump(exclude={"subject"})
    values["lead_agency"] = _agency(values["lead_agency"], "lead_agency")
    values["child"] = _child(user, values["child"])
    values["action"] = _action(values["action"])
    disruption = services.disruption_record(actor=user, subject=found, **values)
    return Status(201, _one(request, disruption))


@router.get(
    "/{disruption_id}",
    response={200: DisruptionOut, **ERROR_RESPONSES},
    summary="Read a disruption",
    operation_id="disruption_read",
)
def disruption_read(request: AuthedRequest, disruption_id: Id) -> Any:
    disruption = _read(request, disruption_id, AccessAction.VIEW)
    return _disruption_out(disruption, _shown(request, [disruption]))


@router.patch(
    "/{disruption_id}",
    response={200: DisruptionOut, 409: DisruptionConflictOut, **ERROR_RESPONSES},
    summary="Change a disruption",
    operation_id="disruption_change",
)
def disruption_change(request: AuthedRequest, disruption_id: Id, payload: DisruptionPatchIn) -> Any:
    """Send the `version` you read and only the fields you change. If someone changed the
    disruption since, nothing is written and the answer is 409 with it as it is now."""
    user = request.user
    disruption = _read(request, disruption_id, AccessAction.CHANGE)
    if not policy.can_change_disruption(user, disruption):
        raise Refused("You cannot change this disruption")
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "lead_agency" in changes:
        changes["lead_agency"] = _agency(changes["lead_agency"], "lead_agency")
    if "child" in changes:
        changes["child"] = _child(user, changes["child"])
    if "action" in changes:
        changes["action"] = _action(changes["action"])
    try:
        services.disruption_update(
            actor=user, disruption=disruption, version=payload.version, changes=changes
        )
    except ConflictError as conflict:
        current = _one(request, cast(Disruption, conflict.current))
        return Status(
            409,
            {
                "detail": CONFLICT_DETAIL,
                "errors": [
                    {
                        "field": "version",
                        "message": f"The disruption is now at version {current['version']}: "
                        "compare and resend",
                    }
                ],
                "current": current,
            },
        )
    return _one(request, disruption)


def _evidence_allowed(user: User) -> None:
    if not policy.sees_evidence(user):
        raise Refused("Your role does not include evidence for prosecutions")


@router.get(
    "/{disruption_id}/evidence",
    response={200: EvidenceListOut, **ERROR_RESPONSES},
    summary="A disruption's evidence items",
    operation_id="disruption_evidence_list",
)
def evidence_list(request: AuthedRequest, disruption_id: Id) -> Any:
    """Only for roles that see evidence for prosecutions; an item about a child you may not see
    is left out."""
    user = request.user
    disruption = _read(request, disruption_id, AccessAction.VIEW)
    _evidence_allowed(user)
    items = list(selectors.evidence_for(user, disruption))
    named = _shown(request, items)
    return {"count": len(items), "items": [_evidence_out(i, named) for i in items]}


@router.post(
    "/{disruption_id}/evidence",
    response={201: DisruptionEvidenceOut, **ERROR_RESPONSES},
    summary="Add an evidence item to a disruption",
    operation_id="disruption_evidence_create",
)
def evidence_create(request: AuthedRequest, disruption_id: Id, payload: EvidenceIn) -> Any:
    user = request.user
    disruption = _read(request, disruption_id, AccessAction.CHANGE)
    _evidence_allowed(user)
    person = None
    if payload.person is not None:
        person = (
            policy.scope_intelligence(user, Record.objects.all()).filter(pk=payload.person).first()
        )
        if person is None:
            raise DomainError({"person": ["Give the id of a person of concern"]})
    item = services.evidence_record(
        actor=user,
        disruption=disruption,
        description=payload.description,
        kind=payload.kind,
        collected_on=payload.collected_on,
        collected_by=_agency(payload.collected_by, "collected_by"),
        child=_child(user, payload.child),
        person=person,
        storage_reference=payload.storage_reference,
    )
    loaded = EvidenceItem.objects.select_related("collected_by", "child", "person").get(pk=item.pk)
    return Status(201, _evidence_out(loaded, _shown(request, [loaded])))
