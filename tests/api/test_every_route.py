"""The generic suites, written once and applied to every API route: the anonymous caller gets 401,
the outsiders get 404 and a refused access event (and nothing is written), a personal token works
and a revoked or expired one gets 401, and a browser session cannot POST without the CSRF token.
A meta-test fails when the OpenAPI document has a route this table does not cover."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mace.accounts.choices import Role
from mace.accounts.models import ApiToken, RoleAssignment, User
from mace.assessments.models import Assessment
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.intelligence.kinds import KINDS
from mace.people.choices import EntryKind
from mace.people.models import Child, ChildAddress
from mace.people.services import child_address_add, chronology_add
from mace.reference.models import Quadrant
from tests.api import (
    API,
    FICTIONAL_NHS_NUMBER,
    bearer,
    call,
    concern_body,
    refused_events,
    row_counts,
    signed_in,
    today,
    token_for,
    with_csrf_token,
)
from tests.conftest import fresh, kept_for_the_module, make_alice, make_child
from tests.disruption import routes as disruption_routes
from tests.factories import UserFactory
from tests.intelligence import intelligence_world
from tests.meetings import routes as meetings_routes
from tests.route_rules import Route


def _version(model: Any, pk: int) -> int:
    return int(model.objects.values_list("version", flat=True).get(pk=pk))


# --- intelligence: a new record of each kind, none of them already in the world ---
INTELLIGENCE_NEW: dict[str, dict[str, Any]] = {
    "person": {"name": "Barnabus Grimsditch", "category": "adult", "area": "basildon"},
    "location": {"kind": "park", "name": "Gullwing Park", "postcode": "SS14 9ZD"},
    "vehicle": {"registration": "ZZ68 WOB", "area": "basildon"},
    "phone": {"number": "07700 900999"},
    "account": {"platform": "tiktok", "handle": "@fictional_wobble"},
}


def _missing_routes() -> list[Route]:
    """The missing episodes API (mace.missing.api), on the world's closed episode and its
    interview (tests/missing/world.py)."""
    from mace.missing.models import MissingEpisode, ReturnInterview
    from tests.missing.world import episode_body, grading_body, interview_body

    base = "/api/v1/missing/children/{child_id}/episodes"

    def episodes(w: Any) -> str:
        return f"{API}/missing/children/{w.child.pk}/episodes"

    def one(w: Any) -> str:
        return f"{episodes(w)}/{w.episode.pk}"

    return [
        Route("get", base, episodes),
        Route("post", base, episodes, lambda w: episode_body()),
        Route("get", base + "/{episode_id}", one),
        Route(
            "patch",
            base + "/{episode_id}",
            one,
            lambda w: {
                "version": _version(MissingEpisode, w.episode.pk),
                "reported_by": "Foster carer (fictional)",
            },
        ),
        Route(
            "post",
            base + "/{episode_id}/gradings",
            lambda w: f"{one(w)}/gradings",
            lambda w: grading_body(w.episode),
        ),  # fmt: skip
        Route("get", base + "/{episode_id}/interview", lambda w: f"{one(w)}/interview"),
        Route(
            "put",
            base + "/{episode_id}/interview",
            lambda w: f"{one(w)}/interview",
            lambda w: interview_body(
                version=_version(ReturnInterview, w.interview.pk),
                interviewer=w.interview.interviewer.username,
            ),
        ),
    ]


ROUTES = [
    Route("get", "/api/v1/children", lambda w: f"{API}/children", about_a_child=False),
    Route(
        "post",
        "/api/v1/children",
        lambda w: f"{API}/children",
        lambda w: {"forename": "Quillon", "surname": "Fictionalson", "sex": "M"},
        about_a_child=False,
    ),
    Route("get", "/api/v1/children/{child_id}", lambda w: f"{API}/children/{w.child.pk}"),
    Route(
        "get",
        "/api/v1/children/{child_id}/identifiers",
        lambda w: f"{API}/children/{w.child.pk}/identifiers",
    ),
    Route(
        "post",
        "/api/v1/children/{child_id}/identifiers",
        lambda w: f"{API}/children/{w.child.pk}/identifiers",
        lambda w: {"type": "nhs", "value": FICTIONAL_NHS_NUMBER},
    ),
    Route(
        "get",
        "/api/v1/children/{child_id}/addresses",
        lambda w: f"{API}/children/{w.child.pk}/addresses",
    ),
    Route(
        "post",
        "/api/v1/children/{child_id}/addresses",
        lambda w: f"{API}/children/{w.child.pk}/addresses",
        lambda w: {"line1": "1 Imaginary Row", "postcode": "CM1 1ZZ", "start_date": str(today())},
    ),
    Route(
        "get",
        "/api/v1/children/{child_id}/concerns",
        lambda w: f"{API}/children/{w.child.pk}/concerns",
    ),
    Route(
        "post",
        "/api/v1/children/{child_id}/concerns",
        lambda w: f"{API}/children/{w.child.pk}/concerns",
        lambda w: concern_body(),
    ),
    Route(
        "get",
        "/api/v1/children/{child_id}/chronology",
        lambda w: f"{API}/children/{w.child.pk}/chronology",
    ),
    Route(
        "post",
        "/api/v1/children/{child_id}/chronology",
        lambda w: f"{API}/children/{w.child.pk}/chronology",
        lambda w: {"title": "Fictional visit", "body": "Saw the child at home (fictional)"},
    ),
    Route(
        "post",
        "/api/v1/children/{child_id}/chronology/{entry_id}/amendments",
        lambda w: f"{API}/children/{w.child.pk}/chronology/{w.entry.pk}/amendments",
        lambda w: {"body": "Corrected wording (fictional)", "reason": "Typing error"},
    ),
    Route("get", "/api/v1/concerns/{concern_id}", lambda w: f"{API}/concerns/{w.concern.pk}"),
    Route(
        "patch",
        "/api/v1/children/{child_id}",
        lambda w: f"{API}/children/{w.child.pk}",
        # The version as stored now: an earlier route in the same test may have saved the child.
        lambda w: {"version": _version(Child, w.child.pk), "other_names": "Zeph (fictional)"},
    ),
    Route(
        "patch",
        "/api/v1/children/{child_id}/addresses/{address_id}",
        lambda w: f"{API}/children/{w.child.pk}/addresses/{w.address.pk}",
        lambda w: {"version": _version(ChildAddress, w.address.pk), "town": "Fablehaven"},
    ),
    # --- missing ---
    *_missing_routes(),
    # --- intelligence ---
    *[
        route
        for info in KINDS.values()
        for route in (
            Route(
                "get",
                f"/api/v1/intelligence/{info.slug}",
                lambda w, info=info: f"{API}/intelligence/{info.slug}",
                about_a_child=False,
            ),
            Route(
                "post",
                f"/api/v1/intelligence/{info.slug}",
                lambda w, info=info: f"{API}/intelligence/{info.slug}",
                lambda w, info=info: INTELLIGENCE_NEW[info.kind],
                about_a_child=False,
            ),
            Route(
                "get",
                f"/api/v1/intelligence/{info.slug}/{{record_id}}",
                lambda w, info=info: (
                    f"{API}/intelligence/{info.slug}/{w.intel.records[info.kind].pk}"
                ),
                about_a_child=False,
            ),
            Route(
                "patch",
                f"/api/v1/intelligence/{info.slug}/{{record_id}}",
                lambda w, info=info: (
                    f"{API}/intelligence/{info.slug}/{w.intel.records[info.kind].pk}"
                ),
                lambda w, info=info: {
                    "version": _version(info.model, w.intel.records[info.kind].pk),
                    "description": "Changed (fictional)",
                },
                about_a_child=False,
            ),
            Route(
                "get",
                f"/api/v1/intelligence/{info.slug}/{{record_id}}/links",
                lambda w, info=info: (
                    f"{API}/intelligence/{info.slug}/{w.intel.records[info.kind].pk}/links"
                ),
                about_a_child=False,
            ),
        )
    ],
    Route(
        "get",
        "/api/v1/intelligence/children/{child_id}/links",
        lambda w: f"{API}/intelligence/children/{w.child.pk}/links",
    ),
    Route(
        "post",
        "/api/v1/intelligence/links",
        lambda w: f"{API}/intelligence/links",
        lambda w: {
            "subject": {"kind": "person", "id": w.intel.person.pk},
            "relationship": "goes_to",
            "target": {"kind": "location", "id": w.intel.location.pk},
            "information_date": str(today()),
            "source_kind": "officer",
            "handling_code": "P",
        },
        about_a_child=False,
    ),
    # --- assessments ---
    Route(
        "get",
        "/api/v1/assessments/instruments",
        lambda w: f"{API}/assessments/instruments",
        about_a_child=False,
    ),
    Route(
        "get",
        "/api/v1/assessments/instruments/current",
        lambda w: f"{API}/assessments/instruments/current",
        about_a_child=False,
    ),
    Route(
        "get",
        "/api/v1/assessments/instruments/{instrument_id}",
        lambda w: f"{API}/assessments/instruments/{w.draft.instrument_id}",
        about_a_child=False,
    ),
    Route(
        "get",
        "/api/v1/assessments/children/{child_id}",
        lambda w: f"{API}/assessments/children/{w.child.pk}",
    ),
    Route(
        "post",
        "/api/v1/assessments/children/{child_id}",
        lambda w: f"{API}/assessments/children/{w.child.pk}",
        lambda w: {"level": "low", "child_view": "Not yet asked (fictional)"},
    ),
    Route(
        "get",
        "/api/v1/assessments/{assessment_id}",
        lambda w: f"{API}/assessments/{w.draft.pk}",
    ),
    Route(
        "patch",
        "/api/v1/assessments/{assessment_id}",
        lambda w: f"{API}/assessments/{w.draft.pk}",
        lambda w: {"version": _version(Assessment, w.draft.pk), "level": "medium"},
    ),
    Route(
        "post",
        "/api/v1/assessments/{assessment_id}/completion",
        lambda w: f"{API}/assessments/{w.draft.pk}/completion",
        lambda w: {"version": _version(Assessment, w.draft.pk), **assessment_completion_body()},
    ),
    Route(
        "post",
        "/api/v1/assessments/{assessment_id}/sign-off",
        lambda w: f"{API}/assessments/{w.awaiting.pk}/sign-off",
        lambda w: {
            "version": _version(Assessment, w.awaiting.pk),
            "decision": "agreed",
            "note": "Agreed (fictional)",
        },
    ),
]
ROUTES += [
    # --- MACE criteria ---
    Route(
        "get",
        "/api/v1/mace/eligible",
        lambda w: f"{API}/mace/eligible?quadrant=south",
        about_a_child=False,
    ),
    Route(
        "get",
        "/api/v1/mace/children/{child_id}/criteria",
        lambda w: f"{API}/mace/children/{w.child.pk}/criteria",
    ),
    *meetings_routes.API_ROUTES,
    *disruption_routes.API_ROUTES,
]
IDS = [r.id for r in ROUTES]
# Writes a browser session makes, which need the CSRF token.
POSTS = [r for r in ROUTES if r.method in ("post", "patch", "put")]
CHILD_ROUTES = [r for r in ROUTES if r.about_a_child]


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world and alice, built once for the module (each test rolls its own writes back)."""
    with kept_for_the_module(django_db_blocker):
        alice = make_alice()
        yield SimpleNamespace(alice=alice, world=build_world(alice, make_child(alice.agency)))


@pytest.fixture
def mine(db, shared):  # type: ignore[no-untyped-def]
    """This test's own copy of the module's world and alice."""
    return fresh(shared)


@pytest.fixture
def world(mine):  # type: ignore[no-untyped-def]
    return mine.world


@pytest.fixture
def alice(mine):  # type: ignore[no-untyped-def]
    return mine.alice


def build_world(alice: Any, child: Any) -> SimpleNamespace:
    """A child alice's agency works with, with a chronology entry and a concern."""
    entry = chronology_add(
        actor=alice, child=child, kind=EntryKind.NOTE, title="Fictional note", body="As written"
    )
    concern = concern_record(
        actor=alice,
        child=child,
        narrative="A fictional concern.",
        indicators=[IndicatorSeen("multiple-phones", today(), "observed")],
        routes=[RouteTo("csc", today() + dt.timedelta(days=7))],
    )
    address = child_address_add(
        actor=alice, child=child, line1="7 Nowhere Lane", postcode="CM1 1ZZ", start_date=today()
    )
    # --- missing ---
    from tests.missing.world import closed_episode_with_interview

    episode, interview = closed_episode_with_interview(alice, child)
    # --- assessments ---
    # Alice also manages her team here, so she may sign off a colleague's override: every
    # route must answer her token and her session.
    RoleAssignment.objects.create(user=alice, role=Role.AGENCY_MANAGER)
    colleague = UserFactory(username="colleague", agency=alice.agency, roles=[Role.PRACTITIONER])
    draft, awaiting = assessments_for_the_world(alice, child, assessor=colleague)
    # --- MACE criteria --- Alice also coordinates the South quadrant's MACE panel, so the
    # quadrant's list answers her.
    RoleAssignment.objects.create(user=alice, role=Role.MACE_COORDINATOR)
    User.objects.filter(pk=alice.pk).update(quadrant=Quadrant.objects.get(code="south"))
    # --- meetings --- She co-chairs it too, so she may sign minutes off.
    RoleAssignment.objects.create(user=alice, role=Role.MACE_CHAIR)
    alice.refresh_from_db()
    intel = intelligence_world(alice)
    return SimpleNamespace(
        child=child,
        entry=entry,
        concern=concern,
        address=address,
        episode=episode,
        interview=interview,
        intel=intel,  # --- intelligence ---
        draft=draft,  # --- assessments ---
        awaiting=awaiting,
        meetings=meetings_routes.build_world(alice, child, intel),
        disruption=disruption_routes.build_world(alice, child, intel),
    )


def test_the_openapi_document_lists_every_route_and_this_suite_covers_each(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    documented = {
        f"{method.upper()} {path}"
        for path, operations in response.json()["paths"].items()
        for method in operations
    }
    assert documented == set(IDS)


def test_the_openapi_document_describes_field_errors(client):
    document = client.get(f"{API}/openapi.json").json()
    create = document["paths"]["/api/v1/children"]["post"]
    assert {"201", "401", "403", "422"} <= set(create["responses"])
    assert "ErrorsOut" in document["components"]["schemas"]


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_an_anonymous_caller_gets_401(world, route):
    before = row_counts()
    response = call(Client(), route.method, route.path(world), route.body(world))
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in or send an API token"}
    assert row_counts() == before


@pytest.mark.parametrize("route", CHILD_ROUTES, ids=[r.id for r in CHILD_ROUTES])
def test_an_outsider_gets_404_and_the_refusal_is_logged(world, outsiders, route):
    before = row_counts()
    for outsider in outsiders:
        response = call(signed_in(outsider), route.method, route.path(world), route.body(world))
        assert response.status_code == 404, (outsider.username, response.content)
        # The same answer as for a child that does not exist: nothing says the record is there.
        assert response.json() == {"detail": "Not found"}
        assert refused_events(outsider, world.child) == 1, outsider.username
    assert row_counts() == before


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_a_personal_token_works(world, alice, route):
    raw = token_for(alice)
    response = call(Client(), route.method, route.path(world), route.body(world), bearer(raw))
    assert response.status_code == (201 if route.method == "post" else 200), response.content
    assert ApiToken.objects.get(user=alice).last_used_at is not None


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_a_revoked_or_expired_token_gets_401(world, alice, route, state):
    raw = (
        token_for(alice, revoked=True)
        if state == "revoked"
        else token_for(alice, expires_at=timezone.now() - dt.timedelta(seconds=1))
    )
    before = row_counts()
    response = call(Client(), route.method, route.path(world), route.body(world), bearer(raw))
    assert response.status_code == 401
    assert row_counts() == before


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_a_made_up_token_gets_401(world, route):
    response = call(
        Client(), route.method, route.path(world), route.body(world), bearer("mace_not-a-token")
    )
    assert response.status_code == 401


@pytest.mark.parametrize("route", POSTS, ids=[r.id for r in POSTS])
def test_a_session_post_without_the_csrf_token_is_refused(world, alice, route):
    before = row_counts()
    client = signed_in(alice, enforce_csrf=True)
    response = call(client, route.method, route.path(world), route.body(world))
    assert response.status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("route", POSTS, ids=[r.id for r in POSTS])
def test_a_session_post_with_the_csrf_token_is_accepted(world, alice, route):
    client = signed_in(alice, enforce_csrf=True)
    headers = with_csrf_token(client)
    response = call(client, route.method, route.path(world), route.body(world), headers)
    assert response.status_code == (201 if route.method == "post" else 200), response.content


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_every_answer_carries_the_request_id(world, alice, route):
    response = call(signed_in(alice), route.method, route.path(world), route.body(world))
    assert response.status_code in (200, 201)
    assert response["X-Request-Id"]


@pytest.mark.parametrize("route", POSTS[:1], ids=[r.id for r in POSTS[:1]])
def test_a_revoked_token_on_a_post_gets_401_even_where_csrf_is_enforced(world, alice, route):
    raw = token_for(alice, revoked=True)
    client = Client(enforce_csrf_checks=True)
    response = call(client, route.method, route.path(world), route.body(world), bearer(raw))
    assert response.status_code == 401


# --- assessments ---


def assessment_completion_body() -> dict[str, Any]:
    """Everything completing an assessment needs (a medium level; fictional)."""
    return {
        "assessed_on": today().isoformat(),
        "people": [{"name": "Ottoline Fictionalmother", "role": "parent"}],
        "indicators": [
            {
                "indicator": "older-associates",
                "last_seen": (today() - dt.timedelta(days=3)).isoformat(),
                "source": "child",
            }
        ],
        "child_view": "She says they are her friends (fictional).",
        "factors": ["11A"],
        "level": "medium",
        "rationale": "Older associates, no disclosure (fictional).",
    }


def assessments_for_the_world(author: Any, child: Any, assessor: Any = None) -> tuple[Any, Any]:
    """A draft assessment of the child by `author`, and one by `assessor` (the author if not
    given) whose override waits for a manager's sign-off."""
    from mace.assessments.services import (
        IndicatorRecorded,
        assessment_complete,
        assessment_start,
    )

    draft = assessment_start(actor=author, child=child)
    assessor = assessor or author
    waiting = assessment_start(
        actor=assessor,
        child=child,
        changes={
            "indicators": [
                IndicatorRecorded("drug-running", today() - dt.timedelta(days=2), "records")
            ]
        },
    )
    awaiting = assessment_complete(
        actor=assessor,
        assessment=waiting,
        version=waiting.version,
        changes={
            "people": [],
            "child_view": "Says he was holding a bag for a friend (fictional).",
            "factors": ["24A"],
            "level": "medium",
            "rationale": "A single incident (fictional).",
            "override_reason": "Police say he did not know what was in it (fictional).",
        },
    )
    return draft, awaiting
