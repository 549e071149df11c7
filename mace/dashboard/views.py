"""The "My work" page: where each person starts."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessChannel, BreakGlassReview
from mace.access.models import BreakGlassGrant
from mace.access.services import children_listed
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.assessments.selectors import assessment_follow_up
from mace.concerns.models import Concern, ConcernRoute
from mace.core.models import Notification
from mace.core.notifications import undelivered_email_count
from mace.intelligence.sections import dashboard_panel
from mace.meetings.sections import dashboard_panel as meetings_panel
from mace.missing.selectors import overdue_interviews, repeat_missing_children
from mace.people.models import Child

# Bounded lists: the dashboard is a starting point, not a report.
RECENT_CONCERNS = 10
RECENT_CHILDREN = 10
RECENT_NOTICES = 10


def _notices(user: User) -> dict[str, Any]:
    """What needs the person now, whatever their role: unread notifications, emergency access
    they hold, and (for managers and data protection officers) uses of it to review."""
    can_audit = policy.can_view_audit(user)
    pending = BreakGlassGrant.objects.filter(review_status=BreakGlassReview.PENDING)
    return {
        "notifications": list(
            Notification.objects.filter(recipient=user, read_at__isnull=True)[:RECENT_NOTICES]
        ),
        "grants": list(policy.active_break_glass_grants(user).select_related("child")),
        "can_audit": can_audit,
        "to_review": (
            policy.break_glass_for_review(user, pending).exclude(user=user).count()
            if can_audit
            else 0
        ),
    }


def home(request: AuthedRequest) -> HttpResponse:
    # LoginRequiredMiddleware lets only signed-in users reach this view.
    user = request.user
    notices = _notices(user)
    if not policy.sees_case_content(user):
        is_admin = user.has_role(Role.SYSTEM_ADMIN)
        # Emergency access held names its child (by reference), whatever the role.
        children_listed(
            user=user,
            children=[grant.child for grant in notices["grants"]],
            channel=AccessChannel.PAGE,
            path=request.path,
        )
        return render(
            request,
            "dashboard/home_no_case_content.html",
            {
                "is_district": user.has_role(Role.DISTRICT_OFFICER),
                "is_board": user.has_role(Role.BOARD_MEMBER),
                "is_admin": is_admin,
                "undelivered_emails": undelivered_email_count() if is_admin else 0,
                "notices": notices,
                # --- intelligence ---
                "intelligence": dashboard_panel(user),
                # --- meetings ---
                "mace": meetings_panel(user),
            },
        )

    visible = Child.objects.visible_to(user)
    concerns = list(
        Concern.objects.filter(author=user, child__in=visible)
        .select_related("child")
        .prefetch_related(Prefetch("routes", queryset=ConcernRoute.objects.order_by("route")))
        .order_by("-recorded_at", "-id")[:RECENT_CONCERNS]
    )
    # The agency's newest involvements, read from its own caseload's index.
    involvements = list(
        policy.caseload(user).select_related("child").order_by("-since", "-id")[:RECENT_CHILDREN]
    )
    # --- missing --- (bounded lists, a fixed number of queries)
    repeat_missing = repeat_missing_children(user, limit=RECENT_CHILDREN)
    interviews_overdue = overdue_interviews(user, limit=RECENT_CHILDREN)
    listed = {c.child_id: c.child for c in concerns}
    listed.update({i.child_id: i.child for i in involvements})
    listed.update({c.pk: c for c in repeat_missing})
    listed.update({e.child_id: e.child for e in interviews_overdue})
    # --- assessments ---
    follow_up = assessment_follow_up(user)
    listed.update({a.child_id: a.child for a in follow_up.assessments()})
    listed.update({g.child_id: g.child for g in notices["grants"]})
    children_listed(
        user=user,
        children=listed.values(),
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    return render(
        request,
        "dashboard/home.html",
        {
            "concerns": concerns,
            "involvements": involvements,
            "today": timezone.localdate(),
            "agency": user.agency,
            "notices": notices,
            "repeat_missing": repeat_missing,
            "interviews_overdue": interviews_overdue,
            "can_import_missing": policy.can_import_missing(user),
            "can_export_903": policy.can_export_903(user),
            # --- intelligence ---
            "intelligence": dashboard_panel(user),
            "follow_up": follow_up,
            # --- meetings ---
            "mace": meetings_panel(user),
        },
    )
