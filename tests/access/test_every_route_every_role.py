"""Every page and every API route, asked by every role (and by nobody signed in), answers what the
access policy says it should. The expected answer is computed from mace.access.policy for each
user, never written down per role, so the table below says only which policy rule governs each
route. A route with no rule here fails test_every_route_has_a_rule: a new screen cannot forget
its check.

Only reads (GET) of pages are walked here, since a page's form is refused the same way as the
page; the API's writes are walked with valid bodies, inside the test's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from mace.access import policy
from mace.access.choices import BreakGlassReason
from mace.access.models import BreakGlassGrant
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.accounts.services import api_token_issue
from mace.core.models import Notification
from mace.intelligence.kinds import KINDS
from mace.people.services import child_address_add
from mace.reference.models import Quadrant
from tests.api import today
from tests.api.test_every_route import ROUTES as API_ROUTES
from tests.api.test_every_route import assessments_for_the_world
from tests.conftest import fresh, kept_for_the_module
from tests.core.test_every_route_needs_sign_in import PUBLIC, PUBLIC_API, _walk
from tests.disruption import routes as disruption_routes
from tests.factories import ChildFactory, UserFactory, agency
from tests.intelligence import intelligence_world
from tests.meetings import routes as meetings_routes
from tests.referrals import routes as referrals_routes
from tests.route_rules import ApiRule, Page


def _403_if_seen(user: User, world: Any) -> int:
    """For someone who sees the child but whom the rule refuses: the record is theirs to see, the
    action is not (403); anyone else gets 404."""
    return 403 if policy.can_view_child(user, world.child) else 404


def _south() -> Quadrant:
    return Quadrant.objects.get(code="south")


def _signed_in(user: User, world: Any) -> bool:
    return True


def _case_content(user: User, world: Any) -> bool:
    return policy.sees_case_content(user)


def _sees_child(user: User, world: Any) -> bool:
    return policy.can_view_child(user, world.child)


def _changes_child(user: User, world: Any) -> bool:
    return policy.can_change_child(user, world.child)


def _records_concern(user: User, world: Any) -> bool:
    return policy.can_record_concern(user) and policy.can_write_for_child(user, world.child)


def _amends_entry(user: User, world: Any) -> bool:
    return policy.can_amend_entry(user, world.entry)


def _audits(user: User, world: Any) -> bool:
    return policy.can_view_audit(user)


def _episode(world: Any) -> dict[str, int]:
    return {"child_id": world.child.pk, "episode_id": world.episode.pk}


def _no_kwargs(world: Any) -> dict[str, int]:
    return {}


def _child(world: Any) -> dict[str, int]:
    return {"child_id": world.child.pk}


def _role_grant(world: Any) -> Any:
    """A practitioner role asked for a CSC account by an administrator, waiting for approval
    (made the first time a rule asks, and kept on the world)."""
    if not hasattr(world, "role_grant"):
        from mace.accounts.models import RoleGrantRequest

        nominee = UserFactory(username="nominee", agency=agency(CSC))
        asker = UserFactory(username="asker", roles=[Role.SYSTEM_ADMIN], is_staff=True)
        world.role_grant = RoleGrantRequest.objects.create(
            user=nominee, roles=[Role.PRACTITIONER], requested_by=asker
        )
    return world.role_grant


PAGES: dict[str, Page] = {
    "dashboard:home": Page(_no_kwargs, _signed_in),
    "people:search": Page(_no_kwargs, _case_content, refused_status=403),
    "people:create": Page(_no_kwargs, lambda u, w: policy.can_create_child(u), refused_status=403),
    "people:detail": Page(_child, _sees_child),
    "people:identifier_add": Page(_child, _changes_child),
    "people:address_add": Page(_child, _changes_child),
    "people:address_place": Page(
        lambda w: {"child_id": w.child.pk, "address_id": w.address.pk}, _changes_child
    ),
    "people:entry_amend": Page(
        lambda w: {"child_id": w.child.pk, "entry_id": w.entry.pk}, _amends_entry
    ),
    "concerns:record": Page(_child, _records_concern),
    "people:note_add": Page(_child, _records_concern),
    "people:child_edit": Page(_child, _changes_child),
    "people:address_edit": Page(
        lambda w: {"child_id": w.child.pk, "address_id": w.address.pk}, _changes_child
    ),
    "people:address_end": Page(
        lambda w: {"child_id": w.child.pk, "address_id": w.address.pk}, _changes_child
    ),
    # Draft endpoints only take a POST (drafts.js); who may POST is tested in tests/core.
    "core:draft_save": Page(
        lambda w: {"key": f"concern:child:{w.child.pk}"},  # type: ignore[dict-item]
        _signed_in,
        refused_status=405,
        allowed_status=405,
    ),
    "core:draft_discard": Page(
        lambda w: {"key": f"concern:child:{w.child.pk}"},  # type: ignore[dict-item]
        _signed_in,
        refused_status=405,
        allowed_status=405,
    ),
    "access:break_glass_new": Page(
        _no_kwargs, lambda u, w: policy.can_request_break_glass(u), refused_status=403
    ),
    "access:break_glass_list": Page(_no_kwargs, _audits, refused_status=403),
    "access:break_glass_review": Page(
        lambda w: {"grant_id": w.grant.pk},
        lambda u, w: policy.break_glass_for_review(
            u, BreakGlassGrant.objects.filter(pk=w.grant.pk)
        ).exists(),
    ),
    # Giving up emergency access only takes a POST, and only finds the holder's own grant.
    "access:break_glass_end": Page(
        lambda w: {"grant_id": w.grant.pk}, _signed_in, refused_status=405, allowed_status=405
    ),
    "access:audit_start": Page(_no_kwargs, _audits, refused_status=403),
    "access:audit_child": Page(_child, lambda u, w: policy.can_audit_child(u, w.child)),
    "access:audit_user": Page(
        lambda w: {"user_id": w.token.user_id},
        lambda u, w: policy.can_audit_user(u, w.token.user),
    ),
    # A notification is only ever found by its recipient, who is sent where it points.
    "core:notification_open": Page(
        lambda w: {"pk": w.notification.pk},
        lambda u, w: w.notification.recipient_id == u.pk,
        allowed_status=302,
    ),
    "accounts:account": Page(_no_kwargs, _signed_in),
    "accounts:recovery_codes": Page(_no_kwargs, _signed_in),
    # A token is only ever found by its owner; the world's token is the author's.
    "accounts:token_revoke": Page(
        lambda w: {"pk": w.token.pk}, lambda u, w: w.token.user_id == u.pk
    ),
    # Powerful roles waiting for a second person's approval.
    "accounts:role_grants": Page(
        _no_kwargs, lambda u, w: policy.can_view_role_grants(u), refused_status=403
    ),
    "accounts:role_grant": Page(
        lambda w: {"pk": _role_grant(w).pk},
        lambda u, w: policy.can_approve_role_grant(u, _role_grant(w)),
    ),
    # --- missing ---
    "missing:child_episodes": Page(_child, lambda u, w: policy.can_view_missing(u, w.child)),
    "missing:episode_record": Page(_child, lambda u, w: policy.can_record_missing(u, w.child)),
    "missing:episode_detail": Page(
        lambda w: _episode(w), lambda u, w: policy.can_view_missing(u, w.child)
    ),
    "missing:episode_edit": Page(
        lambda w: _episode(w), lambda u, w: policy.can_record_missing(u, w.child)
    ),
    "missing:episode_close": Page(
        lambda w: _episode(w), lambda u, w: policy.can_record_missing(u, w.child)
    ),
    "missing:episode_regrade": Page(
        lambda w: _episode(w), lambda u, w: policy.can_record_missing(u, w.child)
    ),
    "missing:interview": Page(
        lambda w: _episode(w), lambda u, w: policy.can_record_missing(u, w.child)
    ),
    "missing:import": Page(
        _no_kwargs, lambda u, w: policy.can_import_missing(u), refused_status=403
    ),
    "missing:export_903": Page(
        _no_kwargs, lambda u, w: policy.can_export_903(u), refused_status=403
    ),
    # --- intelligence ---
    "intelligence:index": Page(
        _no_kwargs, lambda u, w: policy.sees_intelligence(u), refused_status=403
    ),
    **{
        name: page
        for k in KINDS
        for name, page in {
            f"intelligence:{k}_list": Page(
                _no_kwargs, lambda u, w, k=k: policy.can_list_intelligence(u, k), 403
            ),
            f"intelligence:{k}_create": Page(
                _no_kwargs, lambda u, w, k=k: policy.can_create_intelligence(u, k), 403
            ),
            f"intelligence:{k}_detail": Page(
                lambda w, k=k: {"pk": w.intel.records[k].pk},
                lambda u, w, k=k: policy.can_view_intelligence(u, w.intel.records[k]),
            ),
            # A reader who may see the record but not change it gets 403; an outsider 404.
            **{
                f"intelligence:{k}_{page}": Page(
                    lambda w, k=k: {"pk": w.intel.records[k].pk},
                    lambda u, w, k=k: policy.can_change_intelligence(u, w.intel.records[k]),
                    lambda u, w, k=k: (
                        403 if policy.can_view_intelligence(u, w.intel.records[k]) else 404
                    ),
                )
                for page in ("edit", "link_add")
            },
        }.items()
    },
    "intelligence:child_link_add": Page(
        _child,
        lambda u, w: policy.can_link_child(u, w.child),
        lambda u, w: 403 if policy.can_view_child(u, w.child) else 404,
    ),
    # --- assessments ---
    "assessments:child": Page(_child, _sees_child),
    "assessments:start": Page(_child, lambda u, w: policy.can_assess(u, w.child)),
    "assessments:detail": Page(
        lambda w: {"child_id": w.child.pk, "assessment_id": w.draft.pk}, _sees_child
    ),
    "assessments:edit": Page(
        lambda w: {"child_id": w.child.pk, "assessment_id": w.draft.pk},
        lambda u, w: policy.can_edit_assessment(u, w.draft),
        refused_status=_403_if_seen,
    ),
    "assessments:sign_off": Page(
        lambda w: {"child_id": w.child.pk, "assessment_id": w.awaiting.pk},
        lambda u, w: policy.can_sign_off_assessment(u, w.awaiting),
        refused_status=_403_if_seen,
    ),
    # --- MACE criteria ---
    "criteria:index": Page(
        _no_kwargs,
        lambda u, w: policy.mace_panel_quadrant_id(u) is not None,
        refused_status=403,
        allowed_status=302,
    ),
    "criteria:quadrant_list": Page(
        lambda w: {"quadrant": "south"},  # type: ignore[dict-item]
        lambda u, w: policy.can_view_mace_list(u, _south().pk),
        refused_status=403,
    ),
    **meetings_routes.PAGES,
    **disruption_routes.PAGES,
    **referrals_routes.PAGES,
}
# Pages that only accept a POST (their GET answers 405 to everyone signed in).
POST_ONLY = {"accounts:logout", "accounts:keep_alive", "accounts:recovery_codes_new"}
# The steps of signing in (second factor, recovery code, first enrolment) are for a person half
# way through signing in; tests/accounts/test_two_factor.py walks them for every case.
SIGN_IN_STEPS = {"accounts:two_factor", "accounts:recovery_code", "accounts:two_factor_setup"}


def _refused(status: int | Callable[[User, Any], int], user: User, world: Any) -> int:
    return status(user, world) if callable(status) else status


API_RULES: dict[str, ApiRule] = {
    "GET /api/v1/children": ApiRule(_case_content, 403),
    "POST /api/v1/children": ApiRule(lambda u, w: policy.can_create_child(u), 403),
    "GET /api/v1/children/{child_id}": ApiRule(_sees_child),
    "GET /api/v1/children/{child_id}/identifiers": ApiRule(_sees_child),
    "POST /api/v1/children/{child_id}/identifiers": ApiRule(_changes_child),
    "GET /api/v1/children/{child_id}/addresses": ApiRule(_sees_child),
    "POST /api/v1/children/{child_id}/addresses": ApiRule(_changes_child),
    "GET /api/v1/children/{child_id}/concerns": ApiRule(_sees_child),
    "POST /api/v1/children/{child_id}/concerns": ApiRule(_records_concern),
    "GET /api/v1/children/{child_id}/chronology": ApiRule(_sees_child),
    "POST /api/v1/children/{child_id}/chronology": ApiRule(_records_concern),
    "POST /api/v1/children/{child_id}/chronology/{entry_id}/amendments": ApiRule(_amends_entry),
    "GET /api/v1/concerns/{concern_id}": ApiRule(_sees_child),
    "PATCH /api/v1/children/{child_id}": ApiRule(_changes_child),
    "PATCH /api/v1/children/{child_id}/addresses/{address_id}": ApiRule(_changes_child),
    # --- missing ---
    "GET /api/v1/missing/children/{child_id}/episodes": ApiRule(
        lambda u, w: policy.can_view_missing(u, w.child)
    ),
    "POST /api/v1/missing/children/{child_id}/episodes": ApiRule(
        lambda u, w: policy.can_record_missing(u, w.child)
    ),
    "GET /api/v1/missing/children/{child_id}/episodes/{episode_id}": ApiRule(
        lambda u, w: policy.can_view_missing(u, w.child)
    ),
    "PATCH /api/v1/missing/children/{child_id}/episodes/{episode_id}": ApiRule(
        lambda u, w: policy.can_record_missing(u, w.child)
    ),
    "POST /api/v1/missing/children/{child_id}/episodes/{episode_id}/gradings": ApiRule(
        lambda u, w: policy.can_record_missing(u, w.child)
    ),
    "GET /api/v1/missing/children/{child_id}/episodes/{episode_id}/interview": ApiRule(
        lambda u, w: policy.can_view_missing(u, w.child)
    ),
    "PUT /api/v1/missing/children/{child_id}/episodes/{episode_id}/interview": ApiRule(
        lambda u, w: policy.can_record_missing(u, w.child)
    ),
    # --- intelligence ---
    **{
        route: rule
        for k, info in KINDS.items()
        for route, rule in {
            f"GET /api/v1/intelligence/{info.slug}": ApiRule(
                lambda u, w, k=k: policy.can_list_intelligence(u, k), 403
            ),
            f"POST /api/v1/intelligence/{info.slug}": ApiRule(
                lambda u, w, k=k: policy.can_create_intelligence(u, k), 403
            ),
            f"GET /api/v1/intelligence/{info.slug}/{{record_id}}": ApiRule(
                lambda u, w, k=k: policy.can_view_intelligence(u, w.intel.records[k])
            ),
            f"GET /api/v1/intelligence/{info.slug}/{{record_id}}/links": ApiRule(
                lambda u, w, k=k: policy.can_view_intelligence(u, w.intel.records[k])
            ),
            f"PATCH /api/v1/intelligence/{info.slug}/{{record_id}}": ApiRule(
                lambda u, w, k=k: policy.can_change_intelligence(u, w.intel.records[k]),
                lambda u, w, k=k: (
                    403 if policy.can_view_intelligence(u, w.intel.records[k]) else 404
                ),
            ),
        }.items()
    },
    "GET /api/v1/intelligence/children/{child_id}/links": ApiRule(
        lambda u, w: policy.can_view_child(u, w.child) and policy.sees_links_to_children(u),
        lambda u, w: 403 if policy.can_view_child(u, w.child) else 404,
    ),
    "POST /api/v1/intelligence/links": ApiRule(
        lambda u, w: policy.can_link(u, subject=w.intel.person, target=w.intel.location),
        lambda u, w: 403 if policy.can_view_intelligence(u, w.intel.location) else 404,
    ),
    # --- assessments ---
    "GET /api/v1/assessments/instruments": ApiRule(_signed_in),
    "GET /api/v1/assessments/instruments/current": ApiRule(_signed_in),
    "GET /api/v1/assessments/instruments/{instrument_id}": ApiRule(_signed_in),
    "GET /api/v1/assessments/children/{child_id}": ApiRule(_sees_child),
    "POST /api/v1/assessments/children/{child_id}": ApiRule(
        lambda u, w: policy.can_assess(u, w.child)
    ),
    "GET /api/v1/assessments/{assessment_id}": ApiRule(_sees_child),
    "PATCH /api/v1/assessments/{assessment_id}": ApiRule(
        lambda u, w: policy.can_edit_assessment(u, w.draft), refused_status=_403_if_seen
    ),
    "POST /api/v1/assessments/{assessment_id}/completion": ApiRule(
        lambda u, w: policy.can_edit_assessment(u, w.draft), refused_status=_403_if_seen
    ),
    "POST /api/v1/assessments/{assessment_id}/sign-off": ApiRule(
        lambda u, w: policy.can_sign_off_assessment(u, w.awaiting), refused_status=_403_if_seen
    ),
    # --- MACE criteria ---
    "GET /api/v1/mace/eligible": ApiRule(
        lambda u, w: policy.can_view_mace_list(u, _south().pk), refused_status=403
    ),
    "GET /api/v1/mace/children/{child_id}/criteria": ApiRule(_sees_child),
    **meetings_routes.API_RULES,
    **disruption_routes.API_RULES,
}

CSC = "Essex Children and Families (social care)"
POLICE = "Essex Police"
CARE = "CARE (Children at Risk of Exploitation)"
BASILDON_DC = "Basildon District Council"

# One persona per role, in the agency a person holding it would work for, plus the practitioner
# of an agency that is not involved with the child (the outsider).
PERSONAS: dict[str, tuple[list[str], str | None, str | None]] = {
    "practitioner": ([Role.PRACTITIONER], CSC, None),
    "outsider_practitioner": ([Role.PRACTITIONER], POLICE, None),
    "agency_manager": ([Role.AGENCY_MANAGER], CSC, None),
    "outsider_manager": ([Role.AGENCY_MANAGER], POLICE, None),
    "mace_chair": ([Role.MACE_CHAIR], POLICE, "south"),
    "mace_coordinator": ([Role.MACE_COORDINATOR], CSC, "south"),
    "analyst": ([Role.ANALYST], POLICE, None),
    "district_officer": ([Role.DISTRICT_OFFICER], BASILDON_DC, None),
    "board_member": ([Role.BOARD_MEMBER], CSC, None),
    "service_worker": ([Role.SERVICE_WORKER], CARE, None),
    "workforce_lead": ([Role.WORKFORCE_LEAD], CSC, None),
    "system_admin": ([Role.SYSTEM_ADMIN], None, None),
    "data_protection": ([Role.DATA_PROTECTION], CSC, None),
}


def test_every_role_has_a_persona():
    held = {role for roles, _, _ in PERSONAS.values() for role in roles}
    assert held == set(Role.values)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world, built once for the module (each test rolls its own writes back)."""
    with kept_for_the_module(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(db, shared_world):  # type: ignore[no-untyped-def]
    """This test's own copy of the module's world."""
    return fresh(shared_world)


def build_world() -> SimpleNamespace:
    """A child CSC works with: an address, a note on the chronology and a concern."""
    from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
    from mace.people.choices import EntryKind
    from mace.people.services import chronology_add

    csc = agency(CSC)
    author = UserFactory(username="author", agency=csc, roles=[Role.PRACTITIONER])
    child = ChildFactory(involved=[csc])
    address = child_address_add(
        actor=author, child=child, line1="7 Nowhere Lane", postcode="ZZ9 9ZZ", start_date=today()
    )
    entry = chronology_add(
        actor=author, child=child, kind=EntryKind.NOTE, title="Fictional note", body="As written"
    )
    concern = concern_record(
        actor=author,
        child=child,
        narrative="A fictional concern.",
        indicators=[IndicatorSeen("multiple-phones", today(), "observed")],
        routes=[RouteTo("csc", today())],
    )
    _, token = api_token_issue(user=author)
    # An outsider's emergency access to the child, for the managers to review.
    holder = UserFactory(username="holder", agency=agency(POLICE), roles=[Role.PRACTITIONER])
    grant = BreakGlassGrant.objects.create(
        user=holder,
        child=child,
        agency=holder.agency,
        reason_category=BreakGlassReason.MISSING,
        reason="Reported missing overnight (fictional)",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    notification = Notification.objects.create(
        recipient=author, kind="test", message="Fictional notice", url=f"/children/{child.pk}/"
    )
    # --- missing ---
    from tests.missing.world import closed_episode_with_interview

    episode, interview = closed_episode_with_interview(author, child)
    # --- assessments ---
    draft, awaiting = assessments_for_the_world(author, child)
    intel = intelligence_world(author)  # --- intelligence ---
    return SimpleNamespace(
        child=child,
        address=address,
        entry=entry,
        concern=concern,
        token=token,
        grant=grant,
        notification=notification,
        episode=episode,
        interview=interview,
        intel=intel,
        draft=draft,
        awaiting=awaiting,
        meetings=meetings_routes.build_world(author, child, intel),
        disruption=disruption_routes.build_world(author, child, intel),
        referrals=referrals_routes.build_world(author, child),
    )


def _persona(name: str) -> User:
    roles, agency_name, quadrant = PERSONAS[name]
    return UserFactory(
        username=f"persona-{name}",
        agency=agency(agency_name) if agency_name else None,
        quadrant=Quadrant.objects.get(code=quadrant) if quadrant else None,
        roles=roles,
        is_staff=Role.SYSTEM_ADMIN in roles,
    )


def _signed_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page_routes() -> list[str]:
    return sorted(
        {
            name
            for route, name in _walk(get_resolver().url_patterns)
            if not route.lstrip("^").startswith(("admin/", "api/")) and name not in PUBLIC
        }
    )


def test_every_route_has_a_rule(client):
    missing_pages = set(_page_routes()) - set(PAGES) - POST_ONLY - SIGN_IN_STEPS
    assert not missing_pages, f"Pages with no access rule in this test: {sorted(missing_pages)}"
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method in methods
    }
    missing_api = operations - set(API_RULES)
    assert not missing_api, f"API routes with no access rule in this test: {sorted(missing_api)}"
    assert not (set(API_RULES) - operations), "Rules for API routes that no longer exist"
    assert {"api:openapi-json", "api:openapi-view"} <= PUBLIC_API


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_page_answers_each_role_as_the_policy_says(world, persona):
    user = _persona(persona)
    client = _signed_in_client(user)
    wrong = []
    for name, page in PAGES.items():
        allowed = page.allowed(user, world)
        response = client.get(reverse(name, kwargs=page.kwargs(world)))
        expected = page.allowed_status if allowed else _refused(page.refused_status, user, world)
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code}, policy says {expected}")
    for name in POST_ONLY:
        if client.get(reverse(name)).status_code != 405:
            wrong.append(f"{name}: a GET should be refused with 405")
    assert not wrong, f"{persona}: " + "; ".join(wrong)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_api_route_answers_each_role_as_the_policy_says(world, persona):
    from tests.api import call

    user = _persona(persona)
    client = _signed_in_client(user)
    wrong = []
    for route in API_ROUTES:
        rule = API_RULES[route.id]
        # Decide before the call: a write may change what the user may see afterwards.
        allowed = rule.allowed(user, world)
        response = call(client, route.method, route.path(world), route.body(world))
        expected = (
            (201 if route.method == "post" else 200)
            if allowed
            else _refused(rule.refused_status, user, world)
        )
        if response.status_code != expected:
            wrong.append(f"{route.id}: {response.status_code}, policy says {expected}")
    assert not wrong, f"{persona}: " + "; ".join(wrong)


def test_nobody_signed_in_is_sent_to_sign_in_or_gets_401(world):
    from tests.api import call

    client = Client()
    for name, page in PAGES.items():
        response = client.get(reverse(name, kwargs=page.kwargs(world)))
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), name
    for route in API_ROUTES:
        response = call(client, route.method, route.path(world), route.body(world))
        assert response.status_code == 401, route.id
