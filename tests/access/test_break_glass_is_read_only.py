"""Emergency (break-glass) access reads and never writes: under a grant nothing that writes about
the child is offered (the child's pages show no write link) or accepted (every page form and API
write is refused with 403, since the holder knows the child exists), nothing is created, and no
agency involvement ever comes of a grant. So when the grant ends, the holder's agency sees
nothing of the child, as before it was taken."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mace.access import policy
from mace.access.choices import BreakGlassReason
from mace.access.models import BreakGlassGrant
from mace.accounts.choices import Role
from mace.assessments.models import Assessment
from mace.concerns.models import Concern
from mace.core.errors import Refused
from mace.disruption.models import EvidenceItem
from mace.intelligence.models import Link
from mace.meetings.models import AgendaItem
from mace.missing.models import MissingEpisode, ReturnInterview, RiskGrading
from mace.people.models import AgencyInvolvement, ChildAddress, ChildIdentifier, ChronologyEntry
from mace.people.services import chronology_note_add, involvement_ensure
from tests.api import call, row_counts, signed_in
from tests.api.test_every_route import ROUTES, build_world
from tests.factories import UserFactory
from tests.missing.world import episode_body
from tests.pages import date_parts

WRITES = [r for r in ROUTES if r.method in ("post", "patch", "put") and r.about_a_child]


@pytest.fixture
def world(alice, child):  # type: ignore[no-untyped-def]
    """The every-route world (tests/api/test_every_route.py), built for this test."""
    return build_world(alice, child)


def _grant(user: Any, child: Any) -> BreakGlassGrant:
    return BreakGlassGrant.objects.create(
        user=user,
        child=child,
        agency=user.agency,
        reason_category=BreakGlassReason.MISSING,
        reason="Reported missing overnight (fictional) and nobody answers at CSC",
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )


def _everything() -> dict[str, int]:
    """Every table a write about a child can add to, with how many rows it holds."""
    counts = row_counts()
    for model in (
        MissingEpisode,
        RiskGrading,
        ReturnInterview,
        Assessment,
        Link,
        EvidenceItem,
        AgendaItem,
    ):
        counts[model.__name__] = model.objects.count()
    return counts


@pytest.fixture
def holder(world, bob):  # type: ignore[no-untyped-def]
    """Bob, a police practitioner (full reach into intelligence), with emergency access to the
    child CSC works with."""
    _grant(bob, world.child)
    assert policy.sees_only_through_grant(bob, world.child)
    return bob


def test_a_grant_reads_but_is_never_a_right_to_write(world, holder):
    child = world.child
    assert policy.can_view_child(holder, child)
    assert not policy.can_write_for_child(holder, child)
    for rule in (
        policy.can_change_child,
        policy.can_record_missing,
        policy.can_assess,
        policy.can_link_child,
        policy.can_record_evidence,
    ):
        assert not rule(holder, child), rule.__name__


@pytest.mark.parametrize("route", WRITES, ids=[r.id for r in WRITES])
def test_every_api_write_about_the_child_is_refused_under_a_grant(world, holder, police, route):
    before = _everything()
    response = call(signed_in(holder), route.method, route.path(world), route.body(world))
    if "{child_id}" in route.template:
        # The holder knows the child exists: the refusal says so rather than pretending.
        assert response.status_code == 403, response.content
    else:
        # A record of another kind (an assessment, a meeting, a disruption) may be out of the
        # holder's sight altogether.
        assert response.status_code in (403, 404), response.content
    assert _everything() == before
    assert not AgencyInvolvement.objects.filter(child=world.child, agency=police).exists()


def _page_writes(world: Any) -> list[tuple[str, dict[str, Any]]]:
    """(url, a body that would be accepted from someone who may write) for each page form."""
    child = world.child
    today = timezone.localdate()

    def on(name: str, *extra: int) -> str:
        return reverse(name, args=[child.pk, *extra])

    return [
        (on("people:note_add"), {"title": "Seen at the station", "body": "Fictional note"}),
        (
            reverse("concerns:record", args=[child.pk]),
            {"narrative": "A fictional concern", "indicators": ["multiple-phones"]},
        ),
        (on("people:identifier_add"), {"type": "police", "value": "ZZ/FICTIONAL/9"}),
        (
            on("people:address_add"),
            {"line1": "1 Fictional Row", "postcode": "CM1 1ZZ", **date_parts("start_date", today)},
        ),
        (on("people:child_edit"), {"version": child.version, "forename": "Changed"}),
        (on("people:address_edit", world.address.pk), {"version": 1, "line1": "Changed"}),
        (
            on("people:address_end", world.address.pk),
            {"version": 1, **date_parts("end_date", today)},
        ),
        (on("people:address_place", world.address.pk), {"version": 1, "area": "basildon"}),
        (on("people:entry_amend", world.entry.pk), {"body": "Changed", "reason": "Wrong"}),
        (on("missing:episode_record"), episode_body()),
        (on("missing:episode_edit", world.episode.pk), {"version": 1}),
        (on("missing:episode_close", world.episode.pk), {"version": 1}),
        (on("missing:episode_regrade", world.episode.pk), {"grade": "high", "reason": "Why"}),
        (on("missing:interview", world.episode.pk), {"version": 1}),
        (on("assessments:start"), {}),
        (on("assessments:edit", world.draft.pk), {"version": 1}),
        (reverse("intelligence:child_link_add", args=[child.pk]), {}),
    ]


def test_every_page_form_about_the_child_is_refused_under_a_grant(world, holder, police):
    client = signed_in(holder)
    before = _everything()
    for url, body in _page_writes(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, body).status_code == 403, url
    assert _everything() == before
    assert not AgencyInvolvement.objects.filter(child=world.child, agency=police).exists()


def test_the_childs_page_under_a_grant_offers_nothing_that_writes(world, holder):
    child = world.child
    html = signed_in(holder).get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "You are seeing this record through emergency access" in html
    for name, extra in (
        ("concerns:record", []),
        ("people:note_add", []),
        ("people:child_edit", []),
        ("people:identifier_add", []),
        ("people:address_add", []),
        ("people:address_edit", [world.address.pk]),
        ("people:address_end", [world.address.pk]),
        ("people:address_place", [world.address.pk]),
        ("people:entry_amend", [world.entry.pk]),
        ("missing:episode_record", []),
        ("assessments:start", []),
        ("intelligence:child_link_add", []),
    ):
        assert reverse(name, args=[child.pk, *extra]) not in html, name
    for page in ("missing:child_episodes", "assessments:child"):
        listing = signed_in(holder).get(reverse(page, args=[child.pk])).content.decode()
        assert reverse("missing:episode_record", args=[child.pk]) not in listing, page
        assert reverse("assessments:start", args=[child.pk]) not in listing, page


def test_the_same_page_offers_writing_to_the_agency_that_works_with_the_child(world, alice):
    html = signed_in(alice).get(reverse("people:detail", args=[world.child.pk])).content.decode()
    assert reverse("people:note_add", args=[world.child.pk]) in html
    assert reverse("people:identifier_add", args=[world.child.pk]) in html


def test_no_service_involves_an_agency_through_a_grant(world, holder, police):
    with pytest.raises(Refused):
        chronology_note_add(actor=holder, child=world.child, title="Seen", body="Fictional")
    with pytest.raises(Refused):
        involvement_ensure(actor=holder, child=world.child, agency=police, reason="recorded")
    assert not AgencyInvolvement.objects.filter(child=world.child, agency=police).exists()
    assert not ChronologyEntry.objects.filter(agency=police).exists()


def test_when_the_grant_ends_the_holders_agency_sees_nothing(world, holder, police):
    client = signed_in(holder)
    # Everything the holder tries while it lasts is refused...
    client.post(reverse("people:note_add", args=[world.child.pk]), {"title": "T", "body": "B"})
    call(client, "post", f"/api/v1/children/{world.child.pk}/concerns", {"narrative": "N"})
    # ...so when it ends, neither they nor a colleague of their agency sees the child.
    BreakGlassGrant.objects.filter(user=holder).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    colleague = UserFactory(agency=police, roles=[Role.PRACTITIONER])
    for user in (holder, colleague):
        assert not policy.can_view_child(user, world.child)
        page = signed_in(user).get(reverse("people:detail", args=[world.child.pk]))
        assert page.status_code == 404
        assert signed_in(user).get(f"/api/v1/children/{world.child.pk}").status_code == 404
    assert not Concern.objects.filter(agency=police).exists()
    assert not ChildIdentifier.objects.filter(agency=police).exists()
    assert not ChildAddress.objects.filter(child=world.child).exclude(pk=world.address.pk).exists()
