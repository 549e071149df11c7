"""Every page and every API answer that names a child leaves an access event for that child, written
by the same request. The walk is the one of tests/access/test_every_route_every_role.py: every
persona asks for every page (and the searches, with a child's name) and calls every API route
(its writes too, in the role walk's order) on the same world, and wherever the answer is a 200 or
201 whose body names a child of the world (their full name as shown, or their MACE reference),
the request's id (the X-Request-Id header) must be on an allowed access event for that child and
that user. A new screen that shows a child and forgets to log it fails here. (The minutes PDF is
compressed, so the walk cannot read names in it; mace.meetings.minutes logs its children.)

The world is the role walk's, with what makes the lists name more children: a second child on
the South quadrant's MACE list, the author's own look at the child (so the audit of the author's
activity names them), and emergency access held by each persona who may take it, to a third
child (so their "My work" names that child)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessOutcome, BreakGlassReason
from mace.access.models import AccessEvent, BreakGlassGrant
from mace.access.services import child_read
from mace.accounts.models import User
from mace.criteria.models import Eligibility
from mace.missing.services import episode_record
from mace.people.models import Child
from mace.reference.models import Area
from tests.access.test_every_route_every_role import CSC, PAGES, PERSONAS, _persona, build_world
from tests.api import call
from tests.api.test_every_route import ROUTES as API_ROUTES
from tests.factories import ChildFactory, agency
from tests.intelligence import link

__all__ = ["world"]  # the role walk's world, used here as a fixture


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """The every-route-every-role world (tests/access/test_every_route_every_role.py), built for
    this test."""
    return build_world()


@pytest.fixture
def audited_world(world):  # type: ignore[no-untyped-def]
    author = world.token.user
    # The author looked at the child: the audit of the author's activity names them.
    child_read(user=author, child_id=world.child.pk, path="/fictional/")
    # A Basildon child (South quadrant) missing three times in ninety days: on the MACE list.
    listed = ChildFactory(involved=[agency(CSC)], area=Area.objects.get(code="basildon"))
    for days_ago in (60, 30, 5):
        start = timezone.now() - dt.timedelta(days=days_ago)
        episode_record(
            actor=author,
            child=listed,
            type="M",
            last_seen_at=start,
            ended_at=start + dt.timedelta(hours=6),
            end_reason="found",
            risk_grade="medium",
        )
    assert Eligibility.objects.filter(child=listed).exists()
    # The child was seen with the world's person of concern: their page names the child.
    link(author, world.intel.person, child=world.child)
    # Nobody's child yet: each persona who may takes emergency access to them (_walker).
    emergency = ChildFactory()
    return SimpleNamespace(base=world, listed=listed, emergency=emergency)


def _walker(name: str, audited_world: Any) -> User:
    user = _persona(name)
    if policy.can_request_break_glass(user):
        BreakGlassGrant.objects.create(
            user=user,
            child=audited_world.emergency,
            agency=user.agency,
            reason_category=BreakGlassReason.MISSING,
            reason="Reported missing overnight (fictional)",
            expires_at=timezone.now() + dt.timedelta(hours=1),
        )
    return user


def _namings(children: list[Child]) -> list[tuple[Child, re.Pattern[bytes]]]:
    """How each child can be named in a page or a JSON body: the full name, the name as a list
    shows it (surname, forename), and the MACE reference."""
    return [
        (
            child,
            re.compile(
                "|".join(
                    re.escape(text)
                    for text in (
                        child.full_name,
                        f"{child.surname}, {child.forename}",
                        child.reference,
                    )
                ).encode()
            ),
        )
        for child in children
    ]


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _unlogged(
    what: str,
    response: Any,
    user: User,
    namings: list[tuple[Child, re.Pattern[bytes]]],
    naming: set[str],
) -> list[str]:
    """The children this answer names that the request left no access event for. `naming` gathers
    the routes that named a child at all."""
    if response.status_code not in (200, 201):
        return []
    body = _body(response)
    named = [child for child, pattern in namings if pattern.search(body)]
    if not named:
        return []
    naming.add(what)
    request_id = response["X-Request-Id"]
    logged = set(
        AccessEvent.objects.filter(
            request_id=request_id,
            user=user,
            outcome=AccessOutcome.ALLOWED,
            child__in=named,
        ).values_list("child_id", flat=True)
    )
    return [f"{what} names {child.reference} unlogged" for child in named if child.pk not in logged]


# Pages the walk must find naming a child, so that it cannot pass by no longer reaching them (a
# world that stopped putting a child there): the lists, the audit, the meetings and disruption.
NAMING_PAGES: dict[str, set[str]] = {
    "agency_manager": {
        "dashboard:home",
        "access:break_glass_list",
        "access:break_glass_review",
        "access:audit_child",
        "access:audit_user",
        "people:detail",
        "people:search?q=",
        "intelligence:person_detail",
        "intelligence:person_link_add?kind=child&q=",
        "meetings:action_detail",
        "disruption:list",
        "disruption:detail",
    },
    "data_protection": {"access:break_glass_list", "access:audit_user"},
    "mace_coordinator": {
        "dashboard:home",
        "criteria:quadrant_list",
        "meetings:detail",
        "meetings:agenda_remove",
        "meetings:discussion",
        "meetings:action_add",
        "meetings:agenda_add?q=",
    },
    "outsider_practitioner": {"dashboard:home"},
}
NAMING_API = {
    "practitioner": {
        "GET /api/v1/children",
        "GET /api/v1/children?q=",
        "POST /api/v1/children",
        "GET /api/v1/children/{child_id}",
        "GET /api/v1/meetings/actions/{action_id}",
        "GET /api/v1/disruption/{disruption_id}",
    },
    "mace_coordinator": {"GET /api/v1/mace/eligible", "GET /api/v1/meetings/{meeting_id}"},
}


def _searches(world: Any) -> list[tuple[str, str]]:
    """Pages that name children only when asked for them: the searches, with the child's name."""
    q = f"?q={world.child.surname}"
    return [
        ("people:search?q=", reverse("people:search") + q),
        (
            "meetings:agenda_add?q=",
            reverse("meetings:agenda_add", kwargs={"meeting_id": world.meetings.empty.pk}) + q,
        ),
        (
            "intelligence:person_link_add?kind=child&q=",
            reverse("intelligence:person_link_add", kwargs={"pk": world.intel.person.pk})
            + f"{q}&kind=child",
        ),
    ]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_page_that_names_a_child_logs_the_read(audited_world, persona):
    world = audited_world.base
    user = _walker(persona, audited_world)
    client = _client(user)
    # Every child the world made (the meetings and disruption worlds may add their own).
    namings = _namings(list(Child.objects.all()))
    assert namings
    unlogged: list[str] = []
    naming: set[str] = set()
    for name, page in PAGES.items():
        response = client.get(reverse(name, kwargs=page.kwargs(world)))
        unlogged += _unlogged(name, response, user, namings, naming)
    for name, url in _searches(world):
        unlogged += _unlogged(name, client.get(url), user, namings, naming)
    assert not unlogged, f"{persona}: " + "; ".join(unlogged)
    assert NAMING_PAGES.get(persona, set()) <= naming, "the walk no longer reaches these"


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_api_answer_that_names_a_child_logs_the_read(audited_world, persona):
    world = audited_world.base
    user = _walker(persona, audited_world)
    client = _client(user)
    namings = _namings(list(Child.objects.all()))
    assert namings
    unlogged: list[str] = []
    naming: set[str] = set()
    # Writes too, in the table's order as the role walk runs them: an answer that names a
    # child is a read of them, whatever the method.
    for route in API_ROUTES:
        response = call(client, route.method, route.path(world), route.body(world))
        if route.method != "get":  # a write may have made a child (POST /children)
            namings = _namings(list(Child.objects.all()))
        unlogged += _unlogged(route.id, response, user, namings, naming)
    search = f"/api/v1/children?q={world.child.surname}"
    unlogged += _unlogged("GET /api/v1/children?q=", client.get(search), user, namings, naming)
    assert not unlogged, f"{persona}: " + "; ".join(unlogged)
    assert NAMING_API.get(persona, set()) <= naming, "the walk no longer reaches these"
