"""Restricted information: a note or concern marked restricted (a disclosure, sexual health
information, a third party who could be harmed) is read only by its author's agency and the MACE
chairs of the child's quadrant. Everyone else who may see the child sees that a restricted entry
exists, when, which agency recorded it and whom to ask, and nothing of its content, on the page
and through the API alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mace.accounts.choices import Role
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.core.errors import DomainError, Refused
from mace.people.choices import EntryKind, InvolvementReason, RestrictionReason
from mace.people.models import AgencyInvolvement, ChronologyEntry
from mace.people.services import chronology_amend, chronology_note_add
from mace.reference.models import Area, Quadrant
from tests.api import API, field_errors, row_counts, signed_in, today
from tests.factories import UserFactory
from tests.pages import assert_error_summary, assert_sign_in_redirect, refused_events

SECRET_TITLE = "Disclosure to the school nurse (fictional)"
SECRET_BODY = "Named an older adult called Fictitious Ferdinand."


@pytest.fixture
def restricted_child(child, police):  # type: ignore[no-untyped-def]
    """The child lives in Basildon (South quadrant); police are involved as well as CSC."""
    child.area = Area.objects.get(code="basildon")
    child.save()
    AgencyInvolvement.objects.create(child=child, agency=police, reason=InvolvementReason.ALLOCATED)
    return child


@pytest.fixture
def note(alice, restricted_child):  # type: ignore[no-untyped-def]
    return chronology_note_add(
        actor=alice,
        child=restricted_child,
        title=SECRET_TITLE,
        body=SECRET_BODY,
        restricted=True,
        restriction_reason=RestrictionReason.DISCLOSURE,
    )


@pytest.fixture
def north_chair(police):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="northchair",
        agency=police,
        quadrant=Quadrant.objects.get(code="north"),
        roles=[Role.MACE_CHAIR],
    )


def page(user, child) -> str:  # type: ignore[no-untyped-def]
    response = signed_in(user).get(reverse("people:detail", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def chronology(user, child) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    response = signed_in(user).get(f"{API}/children/{child.pk}/chronology")
    assert response.status_code == 200
    return response.json()["items"]  # type: ignore[no-any-return]


# Services ------------------------------------------------------------------------------------


def test_a_restricted_note_needs_a_reason_and_a_reason_needs_a_restriction(alice, child):
    with pytest.raises(DomainError) as missing:
        chronology_note_add(actor=alice, child=child, title="T", body="B", restricted=True)
    assert missing.value.errors["restriction_reason"] == [
        "Choose why this information is restricted"
    ]
    with pytest.raises(DomainError) as stray:
        chronology_note_add(
            actor=alice, child=child, title="T", body="B", restriction_reason="disclosure"
        )
    assert "Only give a reason" in stray.value.errors["restriction_reason"][0]
    assert not ChronologyEntry.objects.filter(kind=EntryKind.NOTE).exists()


def test_a_note_needs_a_title_and_text_and_cannot_be_dated_in_the_future(alice, child):
    from django.utils import timezone

    with pytest.raises(DomainError) as refused:
        chronology_note_add(
            actor=alice,
            child=child,
            title=" ",
            body="",
            occurred_at=timezone.now() + timezone.timedelta(days=1),
        )
    assert set(refused.value.errors) == {"title", "body", "occurred_at"}


def test_someone_who_cannot_see_the_child_cannot_add_a_note(bob, child):
    with pytest.raises(Refused):
        chronology_note_add(actor=bob, child=child, title="T", body="B")


def test_a_correction_of_restricted_information_is_as_restricted(alice, note):
    amendment = chronology_amend(actor=alice, entry=note, body="Corrected (fictional)", reason="x")
    assert amendment.restricted and amendment.restriction_reason == RestrictionReason.DISCLOSURE


def test_a_restricted_concern_puts_a_restricted_entry_on_the_chronology(alice, child):
    concern = concern_record(
        actor=alice,
        child=child,
        narrative="A fictional disclosure.",
        indicators=[IndicatorSeen("multiple-phones", today(), "observed")],
        routes=[RouteTo("csc", today())],
        restricted=True,
        restriction_reason=RestrictionReason.SEXUAL_HEALTH,
    )
    entry = ChronologyEntry.objects.get(concern=concern)
    assert concern.restricted and entry.restricted
    assert entry.restriction_reason == RestrictionReason.SEXUAL_HEALTH


# The child's page -----------------------------------------------------------------------------


def test_the_authors_agency_reads_the_restricted_note(alice, csc, note, restricted_child):
    colleague = UserFactory(agency=csc, roles=[Role.PRACTITIONER])
    for reader in (alice, colleague):
        html = page(reader, restricted_child)
        assert SECRET_TITLE in html and SECRET_BODY in html
        assert "Restricted" in html and "a disclosure by the child" in html


def test_another_involved_agency_sees_only_that_it_exists_and_whom_to_ask(
    bob, csc, note, restricted_child
):
    html = page(bob, restricted_child)
    assert SECRET_TITLE not in html and SECRET_BODY not in html
    assert "Restricted entry" in html
    assert f"Recorded by {csc.name}" in html
    assert "the MACE chair for the South quadrant" in html


def test_the_mace_chair_of_the_childs_quadrant_reads_it_and_another_quadrants_does_not(
    chair, north_chair, note, restricted_child
):
    assert SECRET_BODY in page(chair, restricted_child)
    assert SECRET_BODY not in page(north_chair, restricted_child)


def test_the_note_page_adds_a_restricted_note(client, alice, restricted_child):
    client.force_login(alice)
    url = reverse("people:note_add", args=[restricted_child.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": SECRET_TITLE,
            "body": SECRET_BODY,
            "restricted": "on",
            "restriction_reason": RestrictionReason.THIRD_PARTY,
        },
    )
    assert response.status_code == 302
    entry = ChronologyEntry.objects.get(kind=EntryKind.NOTE)
    assert entry.restricted and entry.restriction_reason == RestrictionReason.THIRD_PARTY
    assert entry.author == alice


def test_the_note_page_shows_errors_keeps_what_was_typed_and_writes_nothing(
    client, alice, restricted_child
):
    client.force_login(alice)
    before = row_counts()
    response = client.post(
        reverse("people:note_add", args=[restricted_child.pk]),
        {"title": "", "body": SECRET_BODY, "restricted": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "title", "restriction_reason_0")
    assert SECRET_BODY in html
    assert row_counts() == before


def test_the_note_page_refuses_anonymous_and_outsiders(client, bob, child):
    url = reverse("people:note_add", args=[child.pk])
    assert_sign_in_redirect(client.get(url))
    client.force_login(bob)
    assert client.post(url, {"title": "T", "body": "B"}).status_code == 404
    assert refused_events(bob, child) == 1
    assert not ChronologyEntry.objects.filter(kind=EntryKind.NOTE).exists()


def test_the_child_page_stays_bounded_with_restricted_entries(
    alice, bob, restricted_child, django_assert_max_num_queries
):
    from tests.people.test_pages_child_page import CHILD_PAGE_QUERIES

    for n in range(12):
        chronology_note_add(
            actor=alice,
            child=restricted_child,
            title=f"Fictional note {n}",
            body="Text",
            restricted=n % 2 == 0,
            restriction_reason=RestrictionReason.OTHER if n % 2 == 0 else "",
        )
    client = signed_in(bob)
    with django_assert_max_num_queries(CHILD_PAGE_QUERIES):
        response = client.get(reverse("people:detail", args=[restricted_child.pk]))
    assert response.content.decode().count("Restricted entry") == 6


# The API ----------------------------------------------------------------------------------------


def test_the_api_withholds_the_content_from_another_agency(bob, csc, note, restricted_child):
    entry = next(e for e in chronology(bob, restricted_child) if e["id"] == note.pk)
    assert entry["withheld"] is True and entry["restricted"] is True
    assert (entry["title"], entry["body"], entry["author"], entry["kind"]) == (
        "Restricted entry",
        "",
        "",
        "restricted",
    )
    assert entry["agency"] == csc.name
    assert "Ask" in entry["ask"] and "South quadrant" in entry["ask"]


def test_the_api_gives_the_author_agency_the_whole_entry(alice, note, restricted_child):
    entry = next(e for e in chronology(alice, restricted_child) if e["id"] == note.pk)
    assert entry["withheld"] is False and entry["ask"] == ""
    assert (entry["title"], entry["body"]) == (SECRET_TITLE, SECRET_BODY)
    assert entry["restriction_reason"] == RestrictionReason.DISCLOSURE


def test_a_restricted_concern_is_withheld_in_every_api_answer(alice, bob, restricted_child):
    response = signed_in(alice).post(
        f"{API}/children/{restricted_child.pk}/concerns",
        {
            "narrative": SECRET_BODY,
            "indicators": [
                {"indicator": "multiple-phones", "seen_on": str(today()), "source": "child"}
            ],
            "routes": [{"route": "csc", "target_date": str(today())}],
            "restricted": True,
            "restriction_reason": "disclosure",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["narrative"] == SECRET_BODY and response.json()["withheld"] is False
    concern_id = response.json()["id"]
    bobs = signed_in(bob)
    listed = bobs.get(f"{API}/children/{restricted_child.pk}/concerns").json()
    one = bobs.get(f"{API}/concerns/{concern_id}").json()
    for shown in (listed[0], one):
        assert shown["withheld"] is True
        assert (shown["narrative"], shown["author"], shown["indicators"], shown["routes"]) == (
            "",
            "",
            [],
            [],
        )
    entry = next(e for e in chronology(bob, restricted_child) if e["concern"] is None)
    assert entry["withheld"] is True


def test_the_api_adds_a_restricted_note_and_refuses_one_without_a_reason(alice, restricted_child):
    client = signed_in(alice)
    url = f"{API}/children/{restricted_child.pk}/chronology"
    before = row_counts()
    refused = client.post(
        url, {"title": "T", "body": "B", "restricted": True}, content_type="application/json"
    )
    assert field_errors(refused) == {
        "restriction_reason": ["Choose why this information is restricted"]
    }
    assert row_counts() == before
    added = client.post(
        url,
        {
            "title": SECRET_TITLE,
            "body": SECRET_BODY,
            "restricted": True,
            "restriction_reason": "other",
        },
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["title"] == SECRET_TITLE and added.json()["withheld"] is False


def test_an_amendment_through_the_api_is_shown_to_its_author(alice, note, restricted_child):
    response = signed_in(alice).post(
        f"{API}/children/{restricted_child.pk}/chronology/{note.pk}/amendments",
        {"body": "Corrected (fictional)", "reason": "Typing error"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["withheld"] is False and response.json()["restricted"] is True
