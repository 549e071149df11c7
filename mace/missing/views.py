"""Pages for missing episodes: a child's episodes, recording one, the episode's page (close it,
regrade it, correct it, record the return home interview), the police CSV import and the
SSDA903 download. Thin: the child is read through child_read (checked and logged), an episode
is looked up within that child, and every write is a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.services import access_record, child_read
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.core.drafts import draft_discard, draft_get, draft_initial
from mace.core.errors import require
from mace.core.submit import bind, submit
from mace.missing import returns, services
from mace.missing.forms import (
    CloseForm,
    EpisodeForm,
    ExportForm,
    GradingForm,
    ImportForm,
    InterviewForm,
)
from mace.missing.imports import COLUMNS, MAX_UPLOAD_BYTES, import_missing_csv
from mace.missing.models import MissingEpisode, ReturnInterview, RiskGrading
from mace.missing.selectors import (
    current_grade_label,
    episode_rows,
    episodes_shown,
    interview_of,
    repeat_missing_status,
    status_of,
)
from mace.people.models import Child

EPISODES_PER_PAGE = 25


def _read(request: AuthedRequest, child_id: int) -> Child:
    return child_read(
        user=request.user,
        child_id=child_id,
        action=AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW,
        channel=AccessChannel.PAGE,
        path=request.path,
    )


def _require_record(request: AuthedRequest, child: Child) -> None:
    require(
        policy.can_record_missing(request.user, child),
        "Your role does not include recording missing episodes",
    )


def _episode(request: AuthedRequest, child: Child, episode_id: int) -> MissingEpisode:
    # Looked up within the child already read, so an episode id cannot reach another child.
    episode = get_object_or_404(
        episodes_shown().select_related("reported_by_agency", "interview__agency"),
        pk=episode_id,
        child=child,
    )
    access_record(
        user=request.user,
        child_id=child.pk,
        action=AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW,
        outcome=AccessOutcome.ALLOWED,
        channel=AccessChannel.PAGE,
        path=request.path,
        obj=episode,
    )
    episode.child = child
    return episode


def child_episodes(request: AuthedRequest, child_id: int) -> HttpResponse:
    """Every episode of the child, newest first, a page at a time."""
    child = _read(request, child_id)
    episodes = episodes_shown().filter(child=child).order_by("-started_at", "-id")
    page = Paginator(episodes, EPISODES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "missing/child_episodes.html",
        {
            "child": child,
            "page": page,
            "rows": episode_rows(page.object_list),
            "repeat": repeat_missing_status([child.pk])[child.pk],
            "can_record": policy.can_record_missing(request.user, child),
        },
    )


def episode_record(request: AuthedRequest, child_id: int) -> HttpResponse:
    child = _read(request, child_id)
    _require_record(request, child)
    form = bind(request, EpisodeForm)
    sent = submit(
        request,
        form,
        lambda: services.episode_record(
            actor=request.user,
            child=child,
            risk_grade=form.cleaned_data.get("risk_grade") or "",
            **form.service_values(),
        ),
    )
    if sent.ok and sent.result is not None:
        messages.success(request, f"Missing episode recorded for {child.full_name}")
        return redirect("missing:episode_detail", child_id=child.pk, episode_id=sent.result.pk)
    return render(request, "missing/episode_record.html", {"child": child, **sent.context})


def episode_detail(request: AuthedRequest, child_id: int, episode_id: int) -> HttpResponse:
    child = _read(request, child_id)
    episode = _episode(request, child, episode_id)
    gradings = list(
        RiskGrading.objects.filter(episode=episode)
        .select_related("graded_by", "agency")
        .order_by("graded_at", "id")
    )
    return render(
        request,
        "missing/episode_detail.html",
        {
            "child": child,
            "episode": episode,
            "gradings": gradings,
            "grade": current_grade_label(episode),
            "interview": interview_of(episode),
            "status": status_of(episode),
            "can_record": policy.can_record_missing(request.user, child),
        },
    )


def episode_edit(request: AuthedRequest, child_id: int, episode_id: int) -> HttpResponse:
    """Correct an episode's details, from the version the practitioner loaded."""
    child = _read(request, child_id)
    _require_record(request, child)
    episode = _episode(request, child, episode_id)
    initial: dict[str, Any] = {
        name: getattr(episode, name)
        for name in (
            "type",
            "reported_by",
            "police_reference",
            "end_reason",
            "found_where",
            "found_with",
        )
    }
    initial["looked_after"] = "yes" if episode.looked_after else "no"
    for name in ("left_at", "last_seen_at", "reported_at", "ended_at"):
        initial |= EpisodeForm.moment_initial(name, getattr(episode, name))
    initial["version"] = episode.version
    form = bind(request, EpisodeForm, initial=initial, record=False)
    sent = submit(
        request,
        form,
        lambda: services.episode_update(
            actor=request.user,
            episode=episode,
            version=form.cleaned_data["version"],
            changes=form.service_values(),
        ),
        compare=EpisodeForm.SERVICE_FIELDS,
    )
    if sent.ok:
        messages.success(request, "Episode saved")
        return redirect("missing:episode_detail", child_id=child.pk, episode_id=episode.pk)
    return render(
        request, "missing/episode_edit.html", {"child": child, "episode": episode, **sent.context}
    )


def episode_close(request: AuthedRequest, child_id: int, episode_id: int) -> HttpResponse:
    """The child was found or returned."""
    child = _read(request, child_id)
    _require_record(request, child)
    episode = _episode(request, child, episode_id)
    initial = {**CloseForm.moment_initial("ended_at", episode.ended_at), "version": episode.version}
    initial |= {
        "end_reason": episode.end_reason,
        "found_where": episode.found_where,
        "found_with": episode.found_with,
    }
    form = bind(request, CloseForm, initial=initial)

    def close() -> Any:
        data = form.cleaned_data
        return services.episode_close(
            actor=request.user,
            episode=episode,
            version=data["version"],
            ended_at=data["ended_at"],
            end_reason=data["end_reason"] or "",
            found_where=data["found_where"] or "",
            found_with=data["found_with"] or "",
        )

    sent = submit(
        request, form, close, compare=["ended_at", "end_reason", "found_where", "found_with"]
    )
    if sent.ok:
        messages.success(
            request, "Episode ended. A return home interview is now due within 72 hours"
        )
        return redirect("missing:episode_detail", child_id=child.pk, episode_id=episode.pk)
    return render(
        request, "missing/episode_close.html", {"child": child, "episode": episode, **sent.context}
    )


def episode_regrade(request: AuthedRequest, child_id: int, episode_id: int) -> HttpResponse:
    child = _read(request, child_id)
    _require_record(request, child)
    episode = _episode(request, child, episode_id)
    form = bind(request, GradingForm)
    sent = submit(
        request,
        form,
        lambda: services.risk_grade_record(
            actor=request.user,
            episode=episode,
            grade=form.cleaned_data["grade"] or "",
            graded_at=form.cleaned_data["graded_at"],
            reason=form.cleaned_data["reason"] or "",
        ),
    )
    if sent.ok:
        messages.success(request, "Risk grade recorded")
        return redirect("missing:episode_detail", child_id=child.pk, episode_id=episode.pk)
    return render(
        request,
        "missing/episode_regrade.html",
        {"child": child, "episode": episode, "grade": current_grade_label(episode), **sent.context},
    )


def _interviewers(user: User) -> Any:
    """Who the form offers as the interviewer: the active staff of the actor's agency (the
    agency recording an interview is the one that held it)."""
    if user.agency_id is None:
        return User.objects.none()
    return User.objects.filter(agency_id=user.agency_id, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def interview_edit(request: AuthedRequest, child_id: int, episode_id: int) -> HttpResponse:
    """Record or change the return home interview. Long text is kept as a draft while typed."""
    child = _read(request, child_id)
    _require_record(request, child)
    episode = _episode(request, child, episode_id)
    interview: ReturnInterview | None = interview_of(episode)
    user = request.user
    initial: dict[str, Any] = {}
    if interview is not None:
        initial = {
            "offered": interview.offered,
            "accepted": interview.accepted,
            "interviewer": interview.interviewer_id,
            "independent": None
            if interview.independent is None
            else ("yes" if interview.independent else "no"),
            "child_account": interview.child_account,
            "actions_agreed": interview.actions_agreed,
            "version": interview.version,
            **InterviewForm.moment_initial("held_at", interview.held_at),
        }
        for name in InterviewForm.LIST_FIELDS:
            initial[name] = "\n".join(getattr(interview, name))
    else:
        initial["interviewer"] = user.pk
    form = bind(request, InterviewForm, initial=initial, interviewers=_interviewers(user))
    draft_key = f"interview:episode:{episode.pk}"
    draft = None if form.is_bound else draft_get(user=user, key=draft_key)
    if draft is not None:
        form.initial = {**initial, **draft_initial(form, draft)}
        # The version comes from the record, never from a draft typed against an older one.
        form.initial["version"] = initial.get("version")
    sent = submit(
        request,
        form,
        lambda: services.interview_save(
            actor=user,
            episode=episode,
            version=form.cleaned_data.get("version"),
            **form.service_values(),
        ),
        compare=["offered", "accepted", "held_at", "child_account", "actions_agreed"],
    )
    if sent.ok:
        draft_discard(user=user, key=draft_key)
        messages.success(request, "Return home interview saved")
        return redirect("missing:episode_detail", child_id=child.pk, episode_id=episode.pk)
    return render(
        request,
        "missing/interview.html",
        {
            "child": child,
            "episode": episode,
            "interview": interview,
            "draft_key": draft_key,
            "draft": draft,
            **sent.context,
        },
    )


def import_csv(request: AuthedRequest) -> HttpResponse:
    """Police practitioners and managers import episodes from their force's CSV."""
    user = request.user
    require(
        policy.can_import_missing(user),
        "Only police practitioners and managers import missing episodes",
    )
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload is None:
            form.add_error("file", "Choose a CSV file to import")
        elif upload.size > MAX_UPLOAD_BYTES:
            form.add_error(
                "file",
                f"The file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: a larger "
                "file is imported with the command (uv run mace import_missing)",
            )
        else:
            report = import_missing_csv(
                actor=user,
                file=upload.file,
                filename=upload.name or "upload.csv",
                channel=AccessChannel.PAGE,
                path=request.path,
                dry_run=form.cleaned_data["check_only"],
            )
            if report.file_errors:
                for message in report.file_errors:
                    form.add_error("file", message)
    return render(
        request, "missing/import.html", {"form": form, "report": report, "columns": COLUMNS}
    )


def export_903(request: AuthedRequest) -> HttpResponse:
    """Download the SSDA903 Header and Missing tables (a zip of two CSV files)."""
    user = request.user
    require(
        policy.can_export_903(user),
        "Only managers in children's social care export the SSDA903 return",
    )
    today = timezone.localdate()
    latest = returns.latest_complete_year(today)
    years = [(y, returns.year_label(y)) for y in range(latest + 1, latest - 5, -1)]
    form = bind(request, ExportForm, initial={"year": str(latest)}, years=years)
    sent = submit(
        request,
        form,
        lambda: returns.export_903(
            user=user,
            year=form.cleaned_data["year"],
            reason=form.cleaned_data["reason"] or "",
            channel=AccessChannel.PAGE,
        ),
    )
    if sent.ok and sent.result is not None:
        result = sent.result
        response = HttpResponse(result.zip_bytes(), content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="ssda903-missing-{result.year}.zip"'
        )
        return response
    return render(request, "missing/export_903.html", sent.context)
