"""POST /api/v1/children/{id}/chronology/{entry_id}/amendments: an entry is never edited; a
correction is a new entry that keeps the original visible, made only by the agency that wrote it."""

from __future__ import annotations

import pytest

from mace.access.choices import AccessAction
from mace.people.choices import EntryKind
from mace.people.models import AgencyInvolvement, ChronologyEntry
from mace.people.services import chronology_add, chronology_amend
from tests.api import API, allowed_events, field_errors, row_counts, signed_in
from tests.factories import ChildFactory

CORRECTION = {"body": "Seen at the fictional bus station, not the library", "reason": "Wrong place"}


@pytest.fixture
def entry(alice, child):  # type: ignore[no-untyped-def]
    return chronology_add(
        actor=alice, child=child, kind=EntryKind.NOTE, title="Fictional note", body="At the library"
    )


def url(child, entry) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/children/{child.pk}/chronology/{entry.pk}/amendments"


def amend(user, child, entry, body):  # type: ignore[no-untyped-def]
    return signed_in(user).post(url(child, entry), body, content_type="application/json")


def test_the_author_agency_corrects_an_entry_and_the_original_stays(alice, csc, child, entry):
    response = amend(alice, child, entry, CORRECTION)
    assert response.status_code == 201, response.content
    body = response.json()
    amendment = ChronologyEntry.objects.get(amends=entry)
    assert body["id"] == amendment.pk
    assert body["kind"] == EntryKind.AMENDMENT
    assert body["amends"] == entry.pk
    assert body["body"] == CORRECTION["body"]
    assert body["title"] == "Amendment: Wrong place"
    assert body["agency"] == csc.name
    entry.refresh_from_db()
    assert entry.body == "At the library"
    chronology = signed_in(alice).get(f"{API}/children/{child.pk}/chronology").json()["items"]
    assert [a["id"] for a in chronology[0]["amendments"]] == [amendment.pk]
    assert allowed_events(alice, child, AccessAction.CHANGE) == 1


def test_a_colleague_in_the_same_agency_may_correct_it(manager, child, entry):
    assert amend(manager, child, entry, CORRECTION).status_code == 201


def test_another_involved_agency_is_told_to_ask_the_author_and_nothing_is_written(
    bob, police, child, entry
):
    AgencyInvolvement.objects.create(child=child, agency=police, reason="allocated")
    before = row_counts()
    response = amend(bob, child, entry, CORRECTION)
    assert response.status_code == 403
    assert "Only the agency that made an entry can amend it" in response.json()["detail"]
    assert row_counts() == before


def test_a_blank_correction_or_reason_is_refused_and_nothing_is_written(alice, child, entry):
    before = row_counts()
    errors = field_errors(amend(alice, child, entry, {"body": " ", "reason": ""}))
    assert errors == {
        "body": ["Enter the corrected text"],
        "reason": ["Enter why the entry is being corrected"],
    }
    assert row_counts() == before


def test_an_amendment_cannot_itself_be_amended(alice, child, entry):
    amendment = chronology_amend(actor=alice, entry=entry, body="First fix", reason="Typo")
    before = row_counts()
    errors = field_errors(amend(alice, child, amendment, CORRECTION))
    assert errors == {"__all__": ["Amend the original entry, not an amendment"]}
    assert row_counts() == before


def test_an_entry_of_another_child_is_not_found_under_this_one(alice, csc, child):
    other = ChildFactory(involved=[csc])
    elsewhere = chronology_add(actor=alice, child=other, kind=EntryKind.NOTE, title="Other note")
    before = row_counts()
    assert amend(alice, child, elsewhere, CORRECTION).status_code == 404
    assert row_counts() == before


def test_a_wrongly_typed_reason_is_a_field_error(alice, child, entry):
    before = row_counts()
    errors = field_errors(amend(alice, child, entry, {"body": "Fixed", "reason": ["a", "list"]}))
    assert list(errors) == ["reason"]
    assert row_counts() == before


def test_a_wrongly_typed_body_is_a_field_error(alice, child, entry):
    before = row_counts()
    errors = field_errors(amend(alice, child, entry, {"body": ["a", "list"], "reason": "Typo"}))
    assert row_counts() == before
    assert list(errors) == ["body"]
