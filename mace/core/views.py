"""The "My work" page: where each person starts."""

from __future__ import annotations

from typing import cast

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessChannel
from mace.access.services import children_listed
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.assessments.selectors import assessment_follow_up
from mace.concerns.models import Concern, ConcernRoute
from mace.people.models import AgencyInvolvement, Child

# Bounded lists: the dashboard is a starting point, not a report.
RECENT_CONCERNS = 10
RECENT_CHILDREN = 10


def dashboard(request: HttpRequest) -> HttpResponse:
    # LoginRequiredMiddleware lets only signed-in users reach this view.
    user = cast(User, request.user)
    if not policy.sees_case_content(user):
        return render(
            request,
            "core/dashboard_no_case_content.html",
            {
                "is_district": user.has_role(Role.DISTRICT_OFFICER),
                "is_board": user.has_role(Role.BOARD_MEMBER),
                "is_admin": user.has_role(Role.SYSTEM_ADMIN),
            },
        )

    visible = Child.objects.visible_to(user)
    concerns = list(
        Concern.objects.filter(author=user, child__in=visible)
        .select_related("child")
        .prefetch_related(Prefetch("routes", queryset=ConcernRoute.objects.order_by("route")))
        .order_by("-recorded_at", "-id")[:RECENT_CONCERNS]
    )
    # A user outside any agency has no agency caseload to show.
    involvements = (
        list(
            AgencyInvolvement.objects.filter(
                agency_id=user.agency_id,
                ended_at__isnull=True,
                child__in=visible,
            )
            .select_related("child")
            .order_by("-since", "-id")[:RECENT_CHILDREN]
        )
        if user.agency_id is not None
        else []
    )
    listed = {c.child_id: c.child for c in concerns}
    listed.update({i.child_id: i.child for i in involvements})
    # --- assessments ---
    follow_up = assessment_follow_up(user)
    listed.update({a.child_id: a.child for a in follow_up.assessments()})
    children_listed(
        user=user,
        children=listed.values(),
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    return render(
        request,
        "core/dashboard.html",
        {
            "concerns": concerns,
            "involvements": involvements,
            "today": timezone.localdate(),
            "agency": user.agency,
            "follow_up": follow_up,
        },
    )
