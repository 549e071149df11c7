"""The disruption rows of the route walks (tests/access/test_every_route_every_role.py and
tests/api/test_every_route.py): the world they walk, and each page's and API route's rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from mace.access import policy
from mace.accounts.models import User
from mace.disruption import services
from mace.disruption.models import Disruption
from tests.clock import today
from tests.route_rules import ApiRule, Page, Route

API = "/api/v1"


def build_world(author: Any, child: Any, intel: Any) -> SimpleNamespace:
    """What the disruption routes need, around the walks' child (whom author's agency works with)
    and intelligence records (tests/intelligence.intelligence_world): a closure notice on the
    Basildon hotel that protects the child, and a statement about the person of concern and the
    child collected for it."""
    disruption = services.disruption_record(
        actor=author,
        subject=intel.location.record,
        type="closure_notice",
        status="served",
        legal_basis="Anti-social Behaviour, Crime and Policing Act 2014 s.76",
        applied_on=today() - dt.timedelta(days=10),
        granted_on=today() - dt.timedelta(days=9),
        served_on=today() - dt.timedelta(days=8),
        expires_on=today() + dt.timedelta(days=40),
        child=child,
    )
    evidence = services.evidence_record(
        actor=author,
        disruption=disruption,
        description="Statement of the hotel's night manager (fictional)",
        kind="statement",
        collected_on=today() - dt.timedelta(days=7),
        child=child,
        person=intel.person.record,
    )
    return SimpleNamespace(disruption=disruption, evidence=evidence)


def _d(world: Any) -> Disruption:
    return world.disruption.disruption  # type: ignore[no-any-return]


def _kwargs(world: Any) -> dict[str, int]:
    return {"disruption_id": _d(world).pk}


def _views(user: User, world: Any) -> bool:
    return policy.can_view_disruption(user, _d(world))


def _403_if_seen(user: User, world: Any) -> int:
    """A reader who may see the disruption but not do this gets 403; anyone else 404."""
    return 403 if _views(user, world) else 404


def _changes(user: User, world: Any) -> bool:
    return policy.can_change_disruption(user, _d(world))


def _evidence(user: User, world: Any) -> bool:
    return _views(user, world) and policy.can_record_evidence(user)


# Page name -> rule (tests/access/test_every_route_every_role.py).
PAGES: dict[str, Page] = {
    "disruption:list": Page(
        lambda w: {}, lambda u, w: policy.can_list_disruption(u), refused_status=403
    ),
    "disruption:create": Page(
        lambda w: {}, lambda u, w: policy.can_record_disruption(u), refused_status=403
    ),
    "disruption:detail": Page(_kwargs, _views),
    "disruption:edit": Page(_kwargs, _changes, refused_status=_403_if_seen),
    "disruption:evidence_add": Page(_kwargs, _evidence, refused_status=_403_if_seen),
}

ONE = "/api/v1/disruption/{disruption_id}"

# "METHOD /api/v1/path" -> rule (tests/access/test_every_route_every_role.py).
API_RULES: dict[str, ApiRule] = {
    "GET /api/v1/disruption": ApiRule(lambda u, w: policy.can_list_disruption(u), 403),
    "POST /api/v1/disruption": ApiRule(
        lambda u, w: policy.can_record_disruption(u, w.intel.location.record),
        lambda u, w: 404 if policy.can_record_disruption(u) else 403,
    ),
    f"GET {ONE}": ApiRule(_views),
    f"PATCH {ONE}": ApiRule(_changes, _403_if_seen),
    f"GET {ONE}/evidence": ApiRule(_evidence, _403_if_seen),
    f"POST {ONE}/evidence": ApiRule(_evidence, _403_if_seen),
}


def _one(world: Any) -> str:
    return f"{API}/disruption/{_d(world).pk}"


def _version(world: Any) -> int:
    return int(Disruption.objects.values_list("version", flat=True).get(pk=_d(world).pk))


# Every API route with a valid request (tests/api/test_every_route.py). None is about the walks'
# child alone: police practitioners see all disruption, so they are not its outsiders.
API_ROUTES: list[Route] = [
    Route("get", "/api/v1/disruption", lambda w: f"{API}/disruption", about_a_child=False),
    Route(
        "post",
        "/api/v1/disruption",
        lambda w: f"{API}/disruption",
        lambda w: {
            "subject": w.intel.location.pk,
            "type": "closure_order",
            "status": "applied",
            "applied_on": str(today() - dt.timedelta(days=1)),
            "legal_basis": "Anti-social Behaviour, Crime and Policing Act 2014 s.80",
        },
        about_a_child=False,
    ),
    Route("get", ONE, _one, about_a_child=False),
    Route(
        "patch",
        ONE,
        _one,
        lambda w: {"version": _version(w), "outcome": "Served in person (fictional)"},
        about_a_child=False,
    ),
    Route("get", ONE + "/evidence", lambda w: f"{_one(w)}/evidence", about_a_child=False),
    Route(
        "post",
        ONE + "/evidence",
        lambda w: f"{_one(w)}/evidence",
        lambda w: {
            "description": "CCTV from the hotel's lobby (fictional)",
            "kind": "cctv",
            "collected_on": str(today()),
            "person": w.intel.person.pk,
        },
        about_a_child=False,
    ),
]
