"""The meetings rows of the route walks (tests/access/test_every_route_every_role.py and
tests/api/test_every_route.py): the world they walk, and each page's and API route's rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from mace.access import policy
from mace.meetings.models import Action, Discussion, Meeting
from tests.meetings import DISCUSSED, meetings_world, today
from tests.route_rules import ApiRule, Page, Route


def build_world(author: Any, child: Any, intel: Any) -> SimpleNamespace:
    """What the meetings routes need, around the walks' child (whom author's agency works with)
    and intelligence records (tests/intelligence.intelligence_world): South quadrant meetings in
    each state, made through the services by a panel member of the author's agency.

    - `open`: part 1, agenda not yet frozen, the child on it (`open_item`);
    - `to_cancel`: part 1, agenda open, for the cancellation route;
    - `empty` and `spare`: part 1, agendas open, nobody on `empty` and the child on `spare`
      (`spare_item`), so the API's agenda writes each succeed in any order;
    - `meeting`: part 1, agenda frozen, the child discussed (`item`, `discussion`) and an
      action for the author's agency about the child (`action`);
    - `signed`: part 1, minutes signed off (`signed_item`);
    - `part2`: part 2, frozen, a threat on the world's location (`threat`) and an action for
      Basildon District Council about it (`district_action`)."""
    return meetings_world(author, child, intel)


# Page name -> rule (tests/access/test_every_route_every_role.py).
def _meeting(name: str) -> Any:
    return lambda w: {"meeting_id": getattr(w.meetings, name).pk}


def _runs(name: str) -> Any:
    return lambda u, w: policy.can_run_meeting(u, getattr(w.meetings, name))


def _refused(name: str) -> Any:
    """A member who may read the meeting but not do this gets 403; anyone else 404."""
    return lambda u, w: 403 if policy.can_view_meeting(u, getattr(w.meetings, name)) else 404


def _post_only(kwargs: Any) -> Page:
    """A page that only takes a POST: its GET answers 405 to everyone signed in."""
    return Page(kwargs, lambda u, w: True, refused_status=405, allowed_status=405)


PAGES: dict[str, Page] = {
    "meetings:index": Page(lambda w: {}, lambda u, w: policy.works_on_mace(u), 403),
    "meetings:action_list": Page(lambda w: {}, lambda u, w: policy.works_on_mace(u), 403),
    "meetings:schedule": Page(
        lambda w: {}, lambda u, w: policy.mace_panel_quadrant_id(u) is not None, 403
    ),
    "meetings:action_detail": Page(
        lambda w: {"action_id": w.meetings.action.pk},
        lambda u, w: policy.can_view_action(u, w.meetings.action),
    ),
    "meetings:detail": Page(
        _meeting("meeting"), lambda u, w: policy.can_view_meeting(u, w.meetings.meeting)
    ),
    "meetings:minutes_pdf": Page(
        _meeting("signed"), lambda u, w: policy.can_view_meeting(u, w.meetings.signed)
    ),
    **{
        name: Page(_meeting("open"), _runs("open"), _refused("open"))
        for name in (
            "meetings:agenda_add",
            "meetings:agenda_freeze",
            "meetings:attendance",
            "meetings:member_add",
            "meetings:cancel",
        )
    },
    "meetings:agenda_remove": Page(
        lambda w: {"meeting_id": w.meetings.open.pk, "item_id": w.meetings.open_item.pk},
        _runs("open"),
        _refused("open"),
    ),
    "meetings:agenda_draft": _post_only(_meeting("open")),
    "meetings:agenda_move": _post_only(
        lambda w: {"meeting_id": w.meetings.open.pk, "item_id": w.meetings.open_item.pk}
    ),
    "meetings:discussion": Page(
        lambda w: {"meeting_id": w.meetings.meeting.pk, "item_id": w.meetings.item.pk},
        _runs("meeting"),
        _refused("meeting"),
    ),
    "meetings:notes": Page(_meeting("meeting"), _runs("meeting"), _refused("meeting")),
    "meetings:action_add": Page(_meeting("meeting"), _runs("meeting"), _refused("meeting")),
    "meetings:threat_add": Page(_meeting("part2"), _runs("part2"), _refused("part2")),
    "meetings:threat_edit": Page(
        lambda w: {"meeting_id": w.meetings.part2.pk, "threat_id": w.meetings.threat.pk},
        _runs("part2"),
        _refused("part2"),
    ),
    "meetings:sign_off": Page(
        _meeting("meeting"),
        lambda u, w: policy.can_sign_off_minutes(u, w.meetings.meeting),
        _refused("meeting"),
    ),
    "meetings:amend": Page(
        _meeting("signed"),
        lambda u, w: policy.can_sign_off_minutes(u, w.meetings.signed),
        _refused("signed"),
    ),
}
# "METHOD /api/v1/path" -> rule (tests/access/test_every_route_every_role.py).
# The API answers 404 to whoever may not read the meeting (or action), 403 to a reader whom the
# rule refuses, and 403 for the lists to someone whose roles never bring them to MACE.
M = "/api/v1/meetings"


def _api_runs(name: str) -> ApiRule:
    return ApiRule(
        lambda u, w: policy.can_run_meeting(u, getattr(w.meetings, name)),
        lambda u, w: 403 if policy.can_view_meeting(u, getattr(w.meetings, name)) else 404,
    )


def _api_signs(name: str) -> ApiRule:
    return ApiRule(
        lambda u, w: policy.can_sign_off_minutes(u, getattr(w.meetings, name)),
        lambda u, w: 403 if policy.can_view_meeting(u, getattr(w.meetings, name)) else 404,
    )


API_RULES: dict[str, ApiRule] = {
    f"GET {M}/actions": ApiRule(lambda u, w: policy.works_on_mace(u), 403),
    f"GET {M}/actions/{{action_id}}": ApiRule(
        lambda u, w: policy.can_view_action(u, w.meetings.action)
    ),
    f"POST {M}/actions/{{action_id}}/updates": ApiRule(
        lambda u, w: policy.can_update_action(u, w.meetings.district_action)
    ),
    f"GET {M}": ApiRule(lambda u, w: policy.works_on_mace(u), 403),
    f"POST {M}": ApiRule(lambda u, w: policy.can_run_meetings(u, w.meetings.open.quadrant_id), 403),
    f"GET {M}/{{meeting_id}}": ApiRule(lambda u, w: policy.can_view_meeting(u, w.meetings.meeting)),
    f"POST {M}/{{meeting_id}}/agenda/draft": _api_runs("open"),
    # The child is read first (404 for one the user may not see, as for a child anywhere).
    f"POST {M}/{{meeting_id}}/agenda/items": ApiRule(
        lambda u, w: (
            policy.can_run_meeting(u, w.meetings.empty) and policy.can_view_child(u, w.child)
        ),
        lambda u, w: (
            403
            if policy.can_view_meeting(u, w.meetings.empty) and policy.can_view_child(u, w.child)
            else 404
        ),
    ),
    f"POST {M}/{{meeting_id}}/agenda/items/{{item_id}}/removal": _api_runs("spare"),
    f"POST {M}/{{meeting_id}}/agenda/freeze": _api_runs("open"),
    f"POST {M}/{{meeting_id}}/cancellation": _api_runs("to_cancel"),
    f"PUT {M}/{{meeting_id}}/agenda/items/{{item_id}}/discussion": _api_runs("meeting"),
    f"POST {M}/{{meeting_id}}/threats": _api_runs("part2"),
    f"POST {M}/{{meeting_id}}/actions": _api_runs("meeting"),
    f"POST {M}/{{meeting_id}}/sign-off": _api_signs("meeting"),
    f"POST {M}/{{meeting_id}}/amendments": _api_signs("signed"),
}


def _version(model: Any, pk: int) -> int:
    """The version as stored now: an earlier route in the same walk may have saved it."""
    return int(model.objects.values_list("version", flat=True).get(pk=pk))


def _meeting_path(name: str, tail: str = "") -> Any:
    return lambda w: f"{M}/{getattr(w.meetings, name).pk}{tail}"


def _meeting_version(name: str) -> Any:
    return lambda w: {"version": _version(Meeting, getattr(w.meetings, name).pk)}


def _in_days(days: int) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def _discussion_body(w: Any) -> dict[str, Any]:
    return {
        **DISCUSSED,
        "plan": "Twice-weekly joint visits (fictional).",
        "version": _version(Discussion, w.meetings.discussion.pk),
    }


def _action_update_body(w: Any) -> dict[str, Any]:
    return {
        "version": _version(Action, w.meetings.district_action.pk),
        "status": "in_progress",
        "note": "Licensing officer visited the hotel (fictional).",
    }


# Every API route with a valid request (tests/api/test_every_route.py). In the order the role
# walk runs them on one world: the agenda's writes before the freeze, the meeting's records
# before its sign-off.
API_ROUTES: list[Route] = [
    Route("get", f"{M}/actions", lambda w: f"{M}/actions?status=all", about_a_child=False),
    Route(
        "get",
        f"{M}/actions/{{action_id}}",
        lambda w: f"{M}/actions/{w.meetings.action.pk}",
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/actions/{{action_id}}/updates",
        lambda w: f"{M}/actions/{w.meetings.district_action.pk}/updates",
        _action_update_body,
        about_a_child=False,
    ),
    Route("get", M, lambda w: f"{M}?quadrant=south", about_a_child=False),
    Route(
        "post",
        M,
        lambda w: M,
        lambda w: {
            "quadrant": "south",
            "part": 1,
            "starts_at": _in_days(55),
            "place": "Basildon Centre, room 3 (fictional)",
            "invited_agency_ids": [w.meetings.district_action.owner_agency_id],
        },
        about_a_child=False,
    ),
    Route("get", f"{M}/{{meeting_id}}", _meeting_path("meeting"), about_a_child=False),
    Route(
        "post",
        f"{M}/{{meeting_id}}/agenda/draft",
        _meeting_path("open", "/agenda/draft"),
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/agenda/items",
        _meeting_path("empty", "/agenda/items"),
        lambda w: {"child_id": w.child.pk, "detail": "Raised by her school (fictional)."},
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/agenda/items/{{item_id}}/removal",
        lambda w: f"{M}/{w.meetings.spare.pk}/agenda/items/{w.meetings.spare_item.pk}/removal",
        lambda w: {"reason": "Discussed at the strategy meeting instead (fictional)."},
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/agenda/freeze",
        _meeting_path("open", "/agenda/freeze"),
        _meeting_version("open"),
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/cancellation",
        _meeting_path("to_cancel", "/cancellation"),
        lambda w: {**_meeting_version("to_cancel")(w), "reason": "Chairs away (fictional)"},
        about_a_child=False,
    ),
    Route(
        "put",
        f"{M}/{{meeting_id}}/agenda/items/{{item_id}}/discussion",
        lambda w: f"{M}/{w.meetings.meeting.pk}/agenda/items/{w.meetings.item.pk}/discussion",
        _discussion_body,
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/threats",
        _meeting_path("part2", "/threats"),
        lambda w: {
            "title": "Parties at the Gullwing flats (fictional)",
            "record_id": w.intel.location.record.pk,
            "discussion": "Police to map who attends (fictional).",
        },
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/actions",
        _meeting_path("meeting", "/actions"),
        lambda w: {
            "description": "Share the school's attendance record (fictional).",
            "owner_agency_id": w.meetings.action.owner_agency_id,
            "due_on": str(today() + dt.timedelta(days=7)),
            "item_id": w.meetings.item.pk,
        },
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/sign-off",
        _meeting_path("meeting", "/sign-off"),
        _meeting_version("meeting"),
        about_a_child=False,
    ),
    Route(
        "post",
        f"{M}/{{meeting_id}}/amendments",
        _meeting_path("signed", "/amendments"),
        lambda w: {
            "text": "The plan is twice-weekly visits (fictional).",
            "reason": "The minutes said weekly in error (fictional).",
        },
        about_a_child=False,
    ),
]
