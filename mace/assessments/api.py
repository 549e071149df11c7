"""The assessments API: the instrument (read-only: the version in force and past versions), a
child's assessments (list, start), and one assessment (read, change a draft, complete, a
manager's sign-off). Thin: an assessment belongs to its child, so every read goes through
child_read (the access policy decides and the read or refusal is logged) and the assessment is
looked up within that child; every write is a service. A child the user may not see, or an
assessment of one, answers 404 exactly as one that does not exist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.services import access_record, child_read
from mace.accounts.requests import AuthedRequest
from mace.assessments.choices import RiskLevel
from mace.assessments.content import IndicatorRecorded, PersonInvolved
from mace.assessments.models import (
    Assessment,
    Instrument,
    InstrumentIndicator,
    InstrumentSection,
    ReviewInterval,
)
from mace.assessments.schemas import (
    AssessmentConflictOut,
    AssessmentContentIn,
    AssessmentIn,
    AssessmentListOut,
    AssessmentListQuery,
    AssessmentOut,
    AssessmentPatchIn,
    InstrumentOut,
    InstrumentSummaryOut,
    SignOffIn,
)
from mace.assessments.selectors import (
    LATEST_FIRST,
    assessment_summary,
    assessments_shown,
    factor_labels,
    latest_assessments,
)
from mace.assessments.services import (
    assessment_complete,
    assessment_sign_off,
    assessment_start,
    assessment_update,
)
from mace.core.concurrency import ConflictError
from mace.core.schemas import Id
from mace.people.api import CONFLICT_DETAIL
from mace.people.schemas import ERROR_RESPONSES

if TYPE_CHECKING:
    from mace.people.models import Child

router = Router(tags=["assessments"])


def _child(request: AuthedRequest, child_id: Id, action: str) -> Child:
    return child_read(
        user=request.user,
        child_id=child_id,
        action=action,
        channel=AccessChannel.API,
        path=request.path,
    )


def _shown(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Attach what AssessmentOut shows beyond the record: the advisory summary and the CIN
    factors' labels (one query for all)."""
    items = list(assessments)
    labels = dict(factor_labels({f.code for a in items for f in a.factors.all()}))
    for assessment in items:
        assessment.advisory = assessment_summary(assessment)  # type: ignore[attr-defined]
        assessment.factor_labels = labels  # type: ignore[attr-defined]
    return items


def _one(child: Child, assessment_id: Id) -> Assessment:
    """The assessment within the child already read, so an id cannot reach another child."""
    assessment = get_object_or_404(assessments_shown(), pk=assessment_id, child=child)
    assessment.child = child
    return _shown([assessment])[0]


def _read(request: AuthedRequest, assessment_id: Id, action: str) -> Assessment:
    """The assessment, if the user may see its child: 404 (and a logged refusal) otherwise,
    and for an id that does not exist."""
    child_id = (
        Assessment.objects.filter(pk=assessment_id).values_list("child_id", flat=True).first()
    )
    if child_id is None:
        # Probing for assessment ids is worth knowing about too, so the miss is logged.
        access_record(
            user=request.user,
            child_id=None,
            action=action,
            outcome=AccessOutcome.REFUSED,
            channel=AccessChannel.API,
            path=request.path,
            detail=f"No assessment {assessment_id}",
        )
        raise Http404("No assessment found")
    return _one(_child(request, child_id, action), assessment_id)


def _changes(payload: AssessmentContentIn) -> dict[str, Any]:
    """The fields the client sent, as the service takes them (null text clears it)."""
    sent = payload.model_dump(exclude_unset=True, exclude={"version", "from_concerns"})
    changes: dict[str, Any] = {}
    for name, value in sent.items():
        # Each item whole, defaults included: an item sent as {} (or null) is an empty one, which
        # the service refuses with a field error, never a missing argument.
        if name == "people":
            value = [PersonInvolved(**p.model_dump()) for p in payload.people or []]
        elif name == "indicators":
            value = [IndicatorRecorded(**i.model_dump()) for i in payload.indicators or []]
        elif name in ("vulnerabilities", "factors"):
            value = list(value or [])
        elif name not in ("assessed_on", "review_requested_on") and value is None:
            value = ""
        changes[name] = value
    return changes


def _conflict(current: Any) -> dict[str, Any]:
    fresh = _one(current.child, current.pk)
    return {
        "detail": CONFLICT_DETAIL,
        "errors": [
            {
                "field": "version",
                "message": f"The assessment is now at version {fresh.version}: compare and resend",
            }
        ],
        "current": fresh,
    }


# ---------------------------------------------------------------------------------------------
# The instrument
# ---------------------------------------------------------------------------------------------


def _instrument(queryset: Any) -> Instrument:
    instrument = queryset.prefetch_related(
        Prefetch(
            "sections",
            queryset=InstrumentSection.objects.order_by("order").prefetch_related(
                Prefetch("indicators", queryset=InstrumentIndicator.objects.order_by("order"))
            ),
        ),
        "vulnerabilities",
    ).first()
    if instrument is None:
        raise Http404("No such instrument")
    instrument.review_intervals = [ReviewInterval.for_level(level) for level in RiskLevel.values]
    return cast(Instrument, instrument)


@router.get(
    "/instruments",
    response={200: list[InstrumentSummaryOut], **ERROR_RESPONSES},
    summary="Every version of the assessment tool, newest first",
)
def instruments_list(request: AuthedRequest) -> list[Instrument]:
    return list(Instrument.objects.all())


@router.get(
    "/instruments/current",
    response={200: InstrumentOut, **ERROR_RESPONSES},
    summary="The version of the assessment tool in force",
)
def instrument_current(request: AuthedRequest) -> Instrument:
    """Its sections and indicators (which are signs of actual exploitation), vulnerabilities,
    windows, and the review interval of each level."""
    return _instrument(Instrument.objects.filter(status="in_force"))


@router.get(
    "/instruments/{instrument_id}",
    response={200: InstrumentOut, **ERROR_RESPONSES},
    summary="One version of the assessment tool",
)
def instrument_detail(request: AuthedRequest, instrument_id: Id) -> Instrument:
    """Past versions stay readable: each assessment names the version it used."""
    return _instrument(Instrument.objects.filter(pk=instrument_id))


# ---------------------------------------------------------------------------------------------
# A child's assessments
# ---------------------------------------------------------------------------------------------


@router.get(
    "/children/{child_id}",
    response={200: AssessmentListOut, **ERROR_RESPONSES},
    summary="A child's assessments, newest first",
)
def child_assessments(
    request: AuthedRequest, child_id: Id, params: Query[AssessmentListQuery]
) -> dict[str, Any]:
    """The history of levels over time (drafts and those awaiting sign-off included, marked by
    their status), and the current level: the latest completed assessment."""
    child = _child(request, child_id, AccessAction.VIEW)
    assessments = (
        Assessment.objects.filter(child=child)
        .select_related("agency", "assessor")
        .order_by(*LATEST_FIRST)
    )
    items = list(assessments[params.offset : params.offset + params.limit])
    latest = latest_assessments([child.pk]).get(child.pk)
    return {
        "count": assessments.count(),
        "limit": params.limit,
        "offset": params.offset,
        "current": latest,
        "items": items,
    }


@router.post(
    "/children/{child_id}",
    response={201: AssessmentOut, **ERROR_RESPONSES},
    summary="Start an assessment of a child",
)
def assessment_create(
    request: AuthedRequest, child_id: Id, payload: AssessmentIn
) -> Status[Assessment]:
    """A draft on the version of the tool in force, with whatever you give so far. Your agency
    becomes involved with the child."""
    child = _child(request, child_id, AccessAction.CHANGE)
    assessment = assessment_start(
        actor=request.user,
        child=child,
        changes=_changes(payload),
        from_concerns=payload.from_concerns,
    )
    return Status(201, _one(child, assessment.pk))


# ---------------------------------------------------------------------------------------------
# One assessment
# ---------------------------------------------------------------------------------------------


@router.get(
    "/{assessment_id}",
    response={200: AssessmentOut, **ERROR_RESPONSES},
    summary="Read an assessment",
)
def assessment_detail(request: AuthedRequest, assessment_id: Id) -> Assessment:
    """With its advisory summary: how many indicators, how recent, from which sources, and
    which guard rules apply."""
    return _read(request, assessment_id, AccessAction.VIEW)


@router.patch(
    "/{assessment_id}",
    response={200: AssessmentOut, 409: AssessmentConflictOut, **ERROR_RESPONSES},
    summary="Change a draft assessment",
)
def assessment_patch(request: AuthedRequest, assessment_id: Id, payload: AssessmentPatchIn) -> Any:
    """Send the `version` you read and only what you change (a list replaces the whole list).
    Only a draft changes, by the agency making it. A stale version answers 409 with the
    assessment as it is now."""
    assessment = _read(request, assessment_id, AccessAction.CHANGE)
    try:
        assessment_update(
            actor=request.user,
            assessment=assessment,
            version=payload.version,
            changes=_changes(payload),
        )
    except ConflictError as conflict:
        return Status(409, _conflict(conflict.current))
    return _one(assessment.child, assessment.pk)


@router.post(
    "/{assessment_id}/completion",
    response={201: AssessmentOut, 409: AssessmentConflictOut, **ERROR_RESPONSES},
    summary="Complete a draft assessment",
)
def assessment_completion(
    request: AuthedRequest, assessment_id: Id, payload: AssessmentPatchIn
) -> Any:
    """With any last changes. Everything must be recorded and the level must pass the guard
    rules, or the answer is 422 with the reasons (on `level` for a guard rule). An override of
    the rule for a current indicator of actual exploitation answers 201 with the status
    awaiting_sign_off: a manager of your agency signs it off. The answer is the assessment as
    it is now."""
    assessment = _read(request, assessment_id, AccessAction.CHANGE)
    try:
        assessment_complete(
            actor=request.user,
            assessment=assessment,
            version=payload.version,
            changes=_changes(payload),
        )
    except ConflictError as conflict:
        return Status(409, _conflict(conflict.current))
    return Status(201, _one(assessment.child, assessment.pk))


@router.post(
    "/{assessment_id}/sign-off",
    response={201: AssessmentOut, 409: AssessmentConflictOut, **ERROR_RESPONSES},
    summary="Sign off, or return, an override",
)
def assessment_sign_off_route(request: AuthedRequest, assessment_id: Id, payload: SignOffIn) -> Any:
    """For an agency manager of the assessor's agency who is not the assessor (403 for anyone
    else who sees the child). `agreed` completes the assessment; `returned` makes it a draft
    again for the assessor. The decision and your reasons are recorded on it."""
    assessment = _read(request, assessment_id, AccessAction.CHANGE)
    try:
        assessment_sign_off(
            actor=request.user,
            assessment=assessment,
            version=payload.version,
            decision=payload.decision,
            note=payload.note,
        )
    except ConflictError as conflict:
        return Status(409, _conflict(conflict.current))
    return Status(201, _one(assessment.child, assessment.pk))
