"""Pages for emergency (break-glass) access and its review, and for the audit: who has seen or
changed a child's record, and everything a user has seen. Thin: the policy decides who may see
what (scoping the querysets), the services write, and reading the audit is itself logged."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mace.access import policy, selectors, services
from mace.access.choices import AccessAction, AccessChannel, AccessOutcome, BreakGlassReview
from mace.access.forms import (
    AuditFilterForm,
    AuditFindForm,
    BreakGlassListForm,
    BreakGlassRequestForm,
    BreakGlassReviewForm,
)
from mace.access.models import BreakGlassGrant
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.core.conflicts import conflict_rows
from mace.core.errors import require
from mace.core.submit import bind, submit
from mace.people.lookups import children_by_identifier
from mace.people.models import Child


def _require_audit(request: AuthedRequest) -> User:
    user = request.user
    require(
        policy.can_view_audit(user),
        "Only agency managers and data protection officers read the audit",
    )
    return user


# Break-glass ------------------------------------------------------------------------------------


def _dob_from(request: AuthedRequest) -> dt.date | None:
    """The date of birth carried from the search page's link (dob-day, dob-month, dob-year)."""
    try:
        return dt.date(
            int(request.GET.get("dob-year", "")),
            int(request.GET.get("dob-month", "")),
            int(request.GET.get("dob-day", "")),
        )
    except ValueError:
        return None


def break_glass_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(
        policy.can_request_break_glass(user),
        "Your role does not include emergency access to children's records",
    )
    form = bind(
        request,
        BreakGlassRequestForm,
        initial={"identifier": request.GET.get("identifier", ""), "dob": _dob_from(request)},
    )
    sent = submit(
        request,
        form,
        lambda: services.break_glass_request(
            actor=user,
            identifier=form.cleaned_data["identifier"],
            dob=form.cleaned_data["dob"],
            reason_category=form.cleaned_data["reason_category"],
            reason=form.cleaned_data["reason"],
            path=request.path,
        ),
    )
    if (grant := sent.result) is not None:
        messages.success(
            request,
            "You have emergency access to this record. It is recorded, the agencies that "
            "work with the child have been told, and a manager will review it.",
        )
        return redirect("people:detail", child_id=grant.child_id)
    return render(
        request,
        "access/break_glass_new.html",
        {**sent.context, "hours": settings.MACE_BREAK_GLASS_HOURS},
    )


@require_POST
def break_glass_end(request: AuthedRequest, grant_id: int) -> HttpResponse:
    """Give up one's own emergency access now. Nobody else's grant is found."""
    grant = get_object_or_404(BreakGlassGrant, pk=grant_id, user=request.user)
    services.break_glass_end(actor=request.user, grant=grant)
    messages.success(request, "You have given up emergency access to that record.")
    return redirect("dashboard:home")


def break_glass_list(request: AuthedRequest) -> HttpResponse:
    user = _require_audit(request)
    form = BreakGlassListForm(request.GET or {"status": BreakGlassReview.PENDING})
    status = form.cleaned_data["status"] if form.is_valid() else ""
    grants = policy.break_glass_for_review(user, BreakGlassGrant.objects.all())
    page = selectors.break_glass_grants(grants, status, request.GET.get("page"))
    page.object_list = list(page.object_list)
    # Each grant names its child (by reference): the reviewer saw them listed.
    services.children_listed(
        user=user,
        children=[grant.child for grant in page.object_list],
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    return render(
        request, "access/break_glass_list.html", {"form": form, "page": page, "status": status}
    )


def break_glass_review(request: AuthedRequest, grant_id: int) -> HttpResponse:
    """One use of emergency access: who, which child, why, what they looked at; and the review.
    404 for a grant outside what the user may review (everyone's, for those who review none)."""
    user = request.user
    grant = get_object_or_404(
        policy.break_glass_for_review(user, BreakGlassGrant.objects.all()).select_related(
            "user", "agency", "child", "reviewed_by"
        ),
        pk=grant_id,
    )
    # The page names the child and shows the holder's looks at their record: an audit read.
    services.children_listed(
        user=user,
        children=[grant.child],
        channel=AccessChannel.PAGE,
        path=request.path,
        action=AccessAction.AUDIT,
    )
    can_review = policy.can_review_break_glass(user, grant)
    if request.method == "POST":
        require(can_review, "You cannot review your own use of emergency access")
    form = bind(request, BreakGlassReviewForm, initial={"version": grant.version})
    sent = submit(
        request,
        form,
        lambda: services.break_glass_review(
            actor=user,
            grant=grant,
            version=form.cleaned_data["version"],
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        ),
        differences=lambda current: _review_differences(form, current),
        conflict_message="Someone else reviewed this use while you were looking at it",
    )
    if sent.ok:
        messages.success(request, "Review saved")
        return redirect("access:break_glass_list")
    if sent.conflict is not None:
        grant.refresh_from_db()  # the page shows the review saved first
    return render(
        request,
        "access/break_glass_review.html",
        {
            **sent.context,
            "grant": grant,
            "can_review": can_review,
            "use": list(services.break_glass_use(grant)[:200]),
        },
    )


def _review_differences(
    form: BreakGlassReviewForm, current: BreakGlassGrant
) -> list[dict[str, str]]:
    """The side-by-side when someone else reviewed the use first: their outcome and note
    against what this reviewer chose."""
    saved = SimpleNamespace(outcome=current.review_status, note=current.review_note)
    return conflict_rows(form, saved, ["outcome", "note"])


# Audit ----------------------------------------------------------------------------------------


def audit_start(request: AuthedRequest) -> HttpResponse:
    """Find the child or the user whose audit to read."""
    user = _require_audit(request)
    form = AuditFindForm(request.GET or None)
    if form.is_bound and form.is_valid():
        child_query, username = form.cleaned_data["child"].strip(), form.cleaned_data["user"]
        if child_query:
            ids = {child_id for child_id, _ in children_by_identifier(child_query)}
            child = policy.audit_children(user, Child.objects.filter(pk__in=ids)).first()
            if child is not None:
                return redirect("access:audit_child", child_id=child.pk)
            form.add_error("child", "No child whose audit you may read has that reference")
        elif username.strip():
            subject = policy.audit_users(
                user, User.objects.filter(username__iexact=username.strip())
            ).first()
            if subject is not None:
                return redirect("access:audit_user", user_id=subject.pk)
            form.add_error("user", "No user whose activity you may read has that username")
        else:
            form.add_error("child", "Enter a child's reference or a username")
    return render(request, "access/audit_start.html", {"form": form})


def _audited_child(request: AuthedRequest, child_id: int) -> Child:
    """The child, if this user may read their audit; the read (or refusal) is itself logged."""
    user = request.user
    child = (
        policy.audit_children(user, Child.objects.select_related("area"))
        .filter(pk=child_id)
        .first()
    )
    services.access_record(
        user=user,
        child_id=child_id,
        action=AccessAction.AUDIT,
        outcome=AccessOutcome.ALLOWED if child else AccessOutcome.REFUSED,
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    if child is None:
        raise Http404("No child found")
    return child


def _filters(request: AuthedRequest) -> tuple[AuditFilterForm, selectors.AuditFilters]:
    form = AuditFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, selectors.AuditFilters.from_form(data)


def audit_child(request: AuthedRequest, child_id: int) -> HttpResponse:
    """Who has seen or changed this child's record, and when. 404 (logged) for a child whose
    audit the user may not read."""
    child = _audited_child(request, child_id)
    form, filters = _filters(request)
    return render(
        request,
        "access/audit_child.html",
        {
            "child": child,
            "form": form,
            "reads": selectors.child_access_events(child.pk, filters, request.GET.get("page")),
            "changes": selectors.child_change_events(
                child.pk, filters, request.GET.get("changes_page")
            ),
        },
    )


def audit_user(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Everything this user has seen (and been refused). 404 for a user whose activity the
    reader may not read."""
    user = request.user
    subject = get_object_or_404(
        policy.audit_users(user, User.objects.select_related("agency")), pk=user_id
    )
    form, filters = _filters(request)
    events = selectors.user_access_events(subject, filters, request.GET.get("page"))
    events.object_list = list(events.object_list)
    # The events name their children (by reference): the reader saw them listed.
    services.children_listed(
        user=user,
        children=[event.child for event in events.object_list if event.child is not None],
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    return render(
        request,
        "access/audit_user.html",
        {"subject": subject, "form": form, "events": events},
    )
