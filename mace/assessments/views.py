"""Pages for risk and vulnerabilities assessments: a child's assessments over time, starting
one, the long assessment form (a draft until completed), the assessment's page and a manager's
sign-off of an override. Thin: every read goes through child_read (checked and logged) and the
assessment is looked up within that child; every write is a service in
mace.assessments.services; the access policy decides who may do what."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read
from mace.accounts.requests import AuthedRequest
from mace.assessments.choices import AssessmentStatus, PersonRole, RiskLevel, SignOffDecision
from mace.assessments.content import Content, content_merge
from mace.assessments.forms import (
    ACTIONS,
    AssessmentForm,
    SignOffForm,
    StartForm,
    initial_from,
    people_rows,
)
from mace.assessments.models import Assessment, Instrument, ReviewInterval
from mace.assessments.selectors import (
    HISTORY_PAGE,
    assessment_summary,
    assessments_shown,
    content_of,
    factor_labels,
    instrument_shown,
    latest_assessments,
    level_history,
    summary_of,
)
from mace.assessments.services import (
    assessment_complete,
    assessment_sign_off,
    assessment_start,
    assessment_update,
)
from mace.core.drafts import draft_discard, draft_get, draft_initial
from mace.core.errors import DomainError, Refused, require
from mace.core.submit import bind, submit
from mace.core.templatetags.govuk import gov_date
from mace.people.models import Child

CONFLICT = "Someone else changed this assessment while you were editing"


def _read(request: AuthedRequest, child_id: int) -> Child:
    """The child, read through the access policy and logged: a view on GET, a change on POST."""
    return child_read(
        user=request.user,
        child_id=child_id,
        action=AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW,
        channel=AccessChannel.PAGE,
        path=request.path,
    )


def _assessment(request: AuthedRequest, child_id: int, assessment_id: int) -> Assessment:
    """The assessment, looked up within the child just read, so an id cannot reach another
    child's assessment."""
    child = _read(request, child_id)
    assessment = get_object_or_404(assessments_shown(), pk=assessment_id, child=child)
    assessment.child = child
    return assessment


def draft_key(assessment: Assessment) -> str:
    return f"assessment:assessment:{assessment.pk}"


def child_assessments(request: AuthedRequest, child_id: int) -> HttpResponse:
    """Every assessment of the child, newest first: the history of levels over time."""
    child = _read(request, child_id)
    page = Paginator(level_history(child), HISTORY_PAGE).get_page(request.GET.get("page"))
    current = latest_assessments([child.pk]).get(child.pk)
    return render(
        request,
        "assessments/child.html",
        {
            "child": child,
            "page": page,
            # Only the latest completed assessment's review can be overdue: a later one replaced
            # the others.
            "current_id": current.pk if current else None,
            "can_assess": policy.can_assess(request.user, child),
        },
    )


def start(request: AuthedRequest, child_id: int) -> HttpResponse:
    """What the assessment asks, which version of the tool, and the button that starts a draft."""
    child = _read(request, child_id)
    user = request.user
    require(policy.can_assess(user, child), "You cannot assess this child")
    instrument = Instrument.in_force()
    form = bind(request, StartForm, instrument=instrument or Instrument())
    sent = submit(
        request,
        form,
        lambda: assessment_start(
            actor=user, child=child, from_concerns=form.cleaned_data["from_concerns"]
        ),
    )
    if sent.ok and sent.result is not None:
        messages.success(request, "Assessment started. It is a draft until you complete it")
        return redirect("assessments:edit", child_id=child.pk, assessment_id=sent.result.pk)
    in_progress = list(
        Assessment.objects.filter(child=child, agency=user.agency)
        .exclude(status=AssessmentStatus.COMPLETED)
        .select_related("assessor")
        .order_by("-updated_at")[:5]
    )
    return render(
        request,
        "assessments/start.html",
        {
            "child": child,
            "form": form,
            "instrument": instrument,
            "in_progress": in_progress,
            "intervals": [ReviewInterval.for_level(level) for level in RiskLevel.values],
        },
    )


def _shown(value: Any) -> str:
    if value in (None, "", [], ()):
        return "Not recorded"
    return str(value)


def _describe(content: Content, assessment: Assessment) -> dict[str, str]:
    """Each part of an assessment as a person reads it, to compare two versions."""
    items = {
        i.code: i.label
        for section in assessment.instrument.sections.all()
        for i in section.indicators.all()
    }
    vulnerabilities = {v.code: v.label for v in assessment.instrument.vulnerabilities.all()}
    roles = dict(PersonRole.choices)
    return {
        "Date of the assessment": _shown(gov_date(content.assessed_on)),
        "People involved": _shown(
            "; ".join(f"{p.name} ({roles.get(p.role, p.role)})" for p in content.people)
        ),
        "Vulnerabilities": _shown(
            "; ".join(vulnerabilities.get(v, v) for v in content.vulnerabilities)
        ),
        "Anything more about vulnerabilities": _shown(content.vulnerability_notes),
        "Indicators": _shown(
            "; ".join(
                f"{items.get(i.indicator, i.indicator)}"
                + (f" (last seen {gov_date(i.last_seen)})" if i.last_seen else "")
                for i in content.indicators
            )
        ),
        "The child's view": _shown(content.child_view),
        "CIN assessment factors": _shown(", ".join(content.factors)),
        "Level of risk": _shown(dict(RiskLevel.choices).get(content.level, content.level)),
        "Why this level": _shown(content.rationale),
        "Override": _shown(content.override_reason),
        "Review by": _shown(gov_date(content.review_requested_on)),
    }


def edit(request: AuthedRequest, child_id: int, assessment_id: int) -> HttpResponse:
    """The assessment form. "Save draft" keeps it as a draft; "Complete assessment" checks
    everything and the guard rules. Nothing typed is lost: the page keeps a server-side draft
    of what is typed between saves, and a save from an out-of-date page shows both versions."""
    assessment = _assessment(request, child_id, assessment_id)
    child, user = assessment.child, request.user
    if not policy.can_edit_assessment(user, assessment):
        require(
            assessment.is_draft,
            f"This assessment is {assessment.get_status_display().lower()}: it can no longer "
            "be changed. A new assessment replaces it"
            if assessment.is_completed
            else "This assessment is waiting for a manager's sign-off: it can be changed only "
            "if the manager returns it",
        )
        raise Refused(f"Only {assessment.agency} can change this draft")
    instrument = instrument_shown(assessment.instrument)
    assessment.instrument = instrument
    saved = content_of(assessment)
    key = draft_key(assessment)
    draft = None
    changes: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if request.method == "POST":
        rows = people_rows(len(saved.people), request.POST)
        form = AssessmentForm(request.POST, instrument=instrument, rows=rows)
        completing = request.POST.get("action") == "complete"
        fields: dict[str, str] = {}
        if form.is_valid():
            changes, fields = form.content_changes()
        service = assessment_complete if completing else assessment_update
        sent = submit(
            request,
            form,
            lambda: service(
                actor=user,
                assessment=assessment,
                version=form.cleaned_data["version"],
                changes=changes,
            ),
            fields=fields,
            differences=lambda current: _differences(assessment, current, changes),
            conflict_message=CONFLICT,
        )
        if sent.ok and sent.result is not None:
            done = sent.result
            draft_discard(user=user, key=key)
            if not completing:
                messages.success(request, "Draft saved")
                return redirect("assessments:edit", child_id=child.pk, assessment_id=assessment.pk)
            if done.is_completed:
                messages.success(
                    request,
                    f"Assessment completed: {done.get_level_display()}. "
                    f"Review by {gov_date(done.review_due)}",
                )
            else:
                messages.success(
                    request,
                    f"Assessment sent to a manager of {done.agency} to sign off the override",
                )
            return redirect("assessments:detail", child_id=child.pk, assessment_id=done.pk)
        extra = sent.context
    else:
        draft = draft_get(user=user, key=key)
        rows = people_rows(len(saved.people), draft.data if draft else None)
        form = AssessmentForm(
            initial=initial_from(assessment, saved), instrument=instrument, rows=rows
        )
        if draft is not None:
            # What was typed before a timeout or a closed tab, over the saved draft (unbound:
            # no errors until they save). An old version number in it makes a later save
            # show both versions rather than overwrite a colleague's change.
            form.initial.update(draft_initial(form, draft))
    summary = summary_of(assessment=assessment, changes=changes)
    return render(
        request,
        "assessments/edit.html",
        {
            "child": child,
            "assessment": assessment,
            "instrument": instrument,
            "form": form,
            "summary": summary,
            "show_override": bool(
                any(r.key == "actual_exploitation" and r.applies for r in summary.rules)
                or form["override_reason"].value()
            ),
            "draft_key": key,
            "draft": draft,
            "actions": ACTIONS,
            "returned": assessment.sign_off_decision == SignOffDecision.RETURNED,
            **extra,
        },
    )


def _differences(
    assessment: Assessment, current: Assessment, changes: dict[str, Any]
) -> list[dict[str, str]]:
    """Every part of the assessment where what the person typed over the version they loaded
    and the saved version differ, as they read it (and the status, if it moved on)."""
    # Not a page calling a service: what was typed that does not merge compares as unchanged.
    try:
        typed = content_merge(content_of(assessment), changes)
    except DomainError:
        typed = content_of(assessment)
    yours, theirs = _describe(typed, assessment), _describe(content_of(current), assessment)
    rows = [
        {"label": label, "yours": yours[label], "saved": theirs[label]}
        for label in yours
        if yours[label] != theirs[label]
    ]
    if current.status != assessment.status:
        rows.insert(
            0,
            {
                "label": "Status",
                "yours": assessment.get_status_display(),
                "saved": current.get_status_display(),
            },
        )
    return rows


def detail(request: AuthedRequest, child_id: int, assessment_id: int) -> HttpResponse:
    """The assessment as recorded, with the advisory summary, its status and any sign-off."""
    assessment = _assessment(request, child_id, assessment_id)
    user = request.user
    latest = latest_assessments([assessment.child_id]).get(assessment.child_id)
    return render(
        request,
        "assessments/detail.html",
        {
            "child": assessment.child,
            "assessment": assessment,
            # A completed assessment is current until a later one is completed; only the current
            # one's review can be overdue.
            "replaced_by": latest if assessment.is_completed and latest != assessment else None,
            "summary": assessment_summary(assessment),
            "factors": factor_labels(f.code for f in assessment.factors.all()),
            "can_edit": policy.can_edit_assessment(user, assessment),
            "can_sign_off": policy.can_sign_off_assessment(user, assessment),
        },
    )


def sign_off(request: AuthedRequest, child_id: int, assessment_id: int) -> HttpResponse:
    """A manager of the assessor's agency agrees with an override (the assessment is completed)
    or returns it to the assessor, with their reasons."""
    assessment = _assessment(request, child_id, assessment_id)
    user = request.user
    if not policy.can_sign_off_assessment(user, assessment):
        raise Refused(
            "Only a manager of the assessing agency who is not the assessor can sign this off"
        )
    form = bind(request, SignOffForm, initial={"version": assessment.version})
    sent = submit(
        request,
        form,
        lambda: assessment_sign_off(
            actor=user,
            assessment=assessment,
            version=form.cleaned_data["version"],
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        ),
        # Nothing typed to set beside the saved version: the page shows the assessment as it is
        # now, and the form starts from its version.
        compare=(),
        conflict_message=f"{CONFLICT}. Check it again before you decide",
    )
    if sent.ok and sent.result is not None:
        done = sent.result
        if done.is_completed:
            messages.success(request, "Override signed off. The assessment is completed")
        else:
            messages.success(request, f"Assessment returned to {done.assessor.display_name}")
        return redirect("assessments:detail", child_id=done.child_id, assessment_id=done.pk)
    return render(
        request,
        "assessments/sign_off.html",
        {
            "child": assessment.child,
            "assessment": assessment,
            "summary": assessment_summary(assessment),
            "form": form,
        },
    )
