"""The missing episodes API: a child's episodes (list, record), one episode (read, close or
correct), its risk gradings and its return home interview. Thin: the child is read through
child_read (the policy decides; the read or refusal is logged), an episode is looked up within
that child, and every write is a service. A child the caller may not see answers 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.services import access_record, child_read
from mace.accounts.requests import AuthedRequest
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError
from mace.core.schemas import Id
from mace.missing import services
from mace.missing.models import MissingEpisode, ReturnInterview, RiskGrading
from mace.missing.schemas import (
    EpisodeConflictOut,
    EpisodeIn,
    EpisodeListOut,
    EpisodeListQuery,
    EpisodeOut,
    EpisodePatchIn,
    GradingIn,
    GradingOut,
    InterviewConflictOut,
    InterviewIn,
    InterviewOut,
)
from mace.missing.selectors import repeat_missing_status
from mace.people.models import Child
from mace.people.schemas import ERROR_RESPONSES
from mace.reference.models import Agency

router = Router(tags=["missing"])

CONFLICT_DETAIL = "Someone else changed this record after you read it; nothing was written"


def _read(request: AuthedRequest, child_id: Id, action: str) -> Child:
    return child_read(
        user=request.user,
        child_id=child_id,
        action=action,
        channel=AccessChannel.API,
        path=request.path,
    )


def episodes_loaded() -> QuerySet[MissingEpisode]:
    """Episodes with everything EpisodeOut shows, in a fixed number of queries."""
    return MissingEpisode.objects.select_related(
        "agency", "reported_by_agency", "interview__interviewer", "interview__agency"
    ).prefetch_related(
        Prefetch(
            "gradings",
            queryset=RiskGrading.objects.select_related("graded_by", "agency").order_by(
                "graded_at", "id"
            ),
        )
    )


def _episode(request: AuthedRequest, child: Child, episode_id: Id) -> MissingEpisode:
    # Looked up within the child already read, so an episode id cannot reach another child.
    episode = get_object_or_404(episodes_loaded(), pk=episode_id, child=child)
    access_record(
        user=request.user,
        child_id=child.pk,
        action=AccessAction.VIEW,
        outcome=AccessOutcome.ALLOWED,
        channel=AccessChannel.API,
        path=request.path,
        obj=episode,
    )
    return episode


def _agency(name: str | None) -> Agency | None:
    if not name:
        return None
    agency = Agency.objects.filter(name=name).first()
    if agency is None:
        raise DomainError({"reported_by_agency": ["Name an agency on the platform, exactly"]})
    return agency


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


@router.get(
    "/children/{child_id}/episodes",
    response={200: EpisodeListOut, **ERROR_RESPONSES},
    summary="A child's missing episodes, newest first",
)
def episodes_list(
    request: AuthedRequest, child_id: Id, params: Query[EpisodeListQuery]
) -> dict[str, Any]:
    """Paginated (limit, offset), with the child's standing against the repeat missing rule."""
    child = _read(request, child_id, AccessAction.VIEW)
    episodes = episodes_loaded().filter(child=child).order_by("-started_at", "-id")
    return {
        "count": episodes.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": list(episodes[params.offset : params.offset + params.limit]),
        "repeat_missing": repeat_missing_status([child.pk])[child.pk],
    }


@router.post(
    "/children/{child_id}/episodes",
    response={201: EpisodeOut, **ERROR_RESPONSES},
    summary="Record a missing episode",
)
def episode_add(request: AuthedRequest, child_id: Id, payload: EpisodeIn) -> Status[MissingEpisode]:
    """It goes on the child's chronology and involves your agency. An end before the start, an
    overlap with another of the child's episodes, a start in the future or on or before the
    date of birth answer 422."""
    child = _read(request, child_id, AccessAction.CHANGE)
    fields = payload.model_dump(exclude={"reported_by_agency"})
    episode = services.episode_record(
        actor=request.user,
        child=child,
        reported_by_agency=_agency(payload.reported_by_agency),
        **fields,
    )
    return Status(201, episodes_loaded().get(pk=episode.pk))


@router.get(
    "/children/{child_id}/episodes/{episode_id}",
    response={200: EpisodeOut, **ERROR_RESPONSES},
    summary="Read a missing episode",
)
def episode_detail(request: AuthedRequest, child_id: Id, episode_id: int) -> MissingEpisode:
    child = _read(request, child_id, AccessAction.VIEW)
    return _episode(request, child, episode_id)


@router.patch(
    "/children/{child_id}/episodes/{episode_id}",
    response={200: EpisodeOut, 409: EpisodeConflictOut, **ERROR_RESPONSES},
    summary="Close or correct a missing episode",
)
def episode_change(
    request: AuthedRequest, child_id: Id, episode_id: int, payload: EpisodePatchIn
) -> Any:
    """Send the `version` you read and only the fields you change. A stale version answers
    409 with the episode as it is now."""
    child = _read(request, child_id, AccessAction.CHANGE)
    episode = get_object_or_404(
        MissingEpisode.objects.select_related("child"), pk=episode_id, child=child
    )
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "reported_by_agency" in changes:
        changes["reported_by_agency"] = _agency(payload.reported_by_agency)
    try:
        services.episode_update(
            actor=request.user, episode=episode, version=payload.version, changes=changes
        )
    except ConflictError as conflict:
        return Status(409, _conflict(episodes_loaded().get(pk=conflict.current.pk)))
    return episodes_loaded().get(pk=episode.pk)


@router.post(
    "/children/{child_id}/episodes/{episode_id}/gradings",
    response={201: GradingOut, **ERROR_RESPONSES},
    summary="Grade or regrade an episode's risk",
)
def grading_add(
    request: AuthedRequest, child_id: Id, episode_id: int, payload: GradingIn
) -> Status[RiskGrading]:
    """Gradings are never changed: each regrading is added, with when, by whom and why (a
    reason is required for a regrading). The latest is the current grade."""
    child = _read(request, child_id, AccessAction.CHANGE)
    episode = get_object_or_404(
        MissingEpisode.objects.select_related("child"), pk=episode_id, child=child
    )
    grading = services.risk_grade_record(
        actor=request.user, episode=episode, **payload.model_dump()
    )
    return Status(201, RiskGrading.objects.select_related("graded_by", "agency").get(pk=grading.pk))


def _interview_loaded(episode: MissingEpisode) -> ReturnInterview:
    return ReturnInterview.objects.select_related("interviewer", "agency", "episode").get(
        episode=episode
    )


@router.get(
    "/children/{child_id}/episodes/{episode_id}/interview",
    response={200: InterviewOut, **ERROR_RESPONSES},
    summary="Read the return home interview",
)
def interview_detail(request: AuthedRequest, child_id: Id, episode_id: int) -> ReturnInterview:
    """404 when none has been recorded yet (the episode's interview_status says whether one is
    due or overdue)."""
    child = _read(request, child_id, AccessAction.VIEW)
    episode = _episode(request, child, episode_id)
    interview = (
        ReturnInterview.objects.select_related("interviewer", "agency", "episode")
        .filter(episode=episode)
        .first()
    )
    if interview is None:
        from django.http import Http404

        raise Http404("No interview recorded")
    return interview


@router.put(
    "/children/{child_id}/episodes/{episode_id}/interview",
    response={200: InterviewOut, 409: InterviewConflictOut, **ERROR_RESPONSES},
    summary="Record or change the return home interview",
)
def interview_put(
    request: AuthedRequest, child_id: Id, episode_id: int, payload: InterviewIn
) -> Any:
    """The whole interview: `version` null records the first one; the version you read changes
    it (409 if someone changed or recorded it since). Held within 72 hours of the return by
    someone independent of the child's care, as statutory guidance requires."""
    from mace.accounts.models import User as UserModel

    child = _read(request, child_id, AccessAction.CHANGE)
    episode = get_object_or_404(
        MissingEpisode.objects.select_related("child"), pk=episode_id, child=child
    )
    interviewer = None
    if payload.interviewer:
        interviewer = UserModel.objects.filter(username=payload.interviewer).first()
        if interviewer is None:
            raise DomainError({"interviewer": ["No user has this username"]})
    fields = payload.model_dump(exclude={"version", "interviewer"})
    try:
        services.interview_save(
            actor=request.user,
            episode=episode,
            version=payload.version,
            interviewer=interviewer,
            **fields,
        )
    except ConflictError:
        return Status(409, _conflict(_interview_loaded(episode)))
    return _interview_loaded(episode)
