from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mace.core.errors import DomainError, Refused
from mace.people.choices import EntryKind
from mace.people.identifiers import nhs_number_with_check, upn_with_check
from mace.people.models import AgencyInvolvement, Child, ChildAddress, ChildIdentifier
from mace.people.services import (
    child_address_add,
    child_create,
    child_identifier_add,
    chronology_amend,
)
from mace.reference.models import Area

NHS = nhs_number_with_check("999000001") or nhs_number_with_check("999000002")


def test_creating_a_child_involves_the_agency_and_starts_the_chronology(alice, csc):
    child = child_create(
        actor=alice,
        forename="Quillon",
        surname="Fictitious",
        sex="M",
        dob=dt.date(2012, 5, 1),
        ethnicity="WBRI",
    )
    assert AgencyInvolvement.objects.filter(child=child, agency=csc).exists()
    assert [e.kind for e in child.chronology.all()] == [EntryKind.RECORD_CREATED]
    assert child.history.count() == 1  # change history is kept


def test_creating_a_child_refuses_bad_input_and_writes_nothing(alice):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        child_create(actor=alice, forename=" ", surname="", dob=tomorrow, sex="X", ethnicity="ZZZZ")
    assert set(refused.value.errors) == {"forename", "surname", "dob", "sex", "ethnicity"}
    assert not Child.objects.exists()


def test_roles_without_case_content_cannot_create_children(district):
    with pytest.raises(Refused):
        child_create(actor=district, forename="Ember", surname="Fictitious")


def test_an_identifier_is_normalised_and_an_invalid_one_is_refused_with_the_reason(alice, child):
    spaced = f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}"
    identifier = child_identifier_add(actor=alice, child=child, type="nhs", value=spaced)
    assert identifier.value == NHS
    bad = NHS[:9] + str((int(NHS[9]) + 1) % 10)
    with pytest.raises(DomainError) as refused:
        child_identifier_add(actor=alice, child=child, type="nhs", value=bad)
    assert "check digit" in refused.value.errors["value"][0]
    with pytest.raises(DomainError) as refused:
        child_identifier_add(actor=alice, child=child, type="upn", value="A12345678901X")
    assert "UPN" in refused.value.errors["value"][0]
    assert ChildIdentifier.objects.count() == 1


def test_an_identifier_already_held_by_another_child_is_refused(alice, child, csc):
    other = Child.objects.create(forename="Marigold", surname="Invented")
    AgencyInvolvement.objects.create(child=other, agency=csc, reason="allocated")
    upn = upn_with_check("881234524001")
    child_identifier_add(actor=alice, child=other, type="upn", value=upn)
    with pytest.raises(DomainError) as refused:
        child_identifier_add(actor=alice, child=child, type="upn", value=upn.lower())
    assert "another child" in refused.value.errors["value"][0]


def test_an_outsider_cannot_add_an_identifier(bob, child):
    with pytest.raises(Refused):
        child_identifier_add(actor=bob, child=child, type="police", value="42/FICT/1")


def test_an_address_is_placed_in_its_district_and_quadrant_from_the_postcode(alice, child):
    address = child_address_add(
        actor=alice,
        child=child,
        line1="1 Nowhere Lane",
        postcode="ss14 9zz",
        start_date=dt.date(2024, 1, 1),
    )
    assert address.postcode == "SS149ZZ"
    assert address.area.name == "Basildon" and address.area.quadrant.name == "South"
    child.refresh_from_db()
    assert child.area.name == "Basildon"


def test_an_address_that_cannot_be_placed_says_so_and_can_be_placed_by_hand(alice, child):
    unplaced = child_address_add(
        actor=alice,
        child=child,
        line1="2 Faraway Row",
        postcode="ZZ9 9ZZ",
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2023, 6, 1),
    )
    assert unplaced.area is None and not unplaced.placed_by_hand
    harlow = Area.objects.get(name="Harlow")
    by_hand = child_address_add(
        actor=alice,
        child=child,
        line1="3 Faraway Row",
        postcode="ZZ9 9ZZ",
        start_date=dt.date(2024, 1, 1),
        area=harlow,
    )
    assert by_hand.area == harlow and by_hand.placed_by_hand


def test_an_address_with_bad_dates_or_postcode_is_refused(alice, child):
    with pytest.raises(DomainError) as refused:
        child_address_add(
            actor=alice,
            child=child,
            line1="",
            postcode="not a postcode",
            start_date=dt.date(2024, 5, 1),
            end_date=dt.date(2024, 1, 1),
        )
    assert set(refused.value.errors) == {"line1", "postcode", "end_date"}
    assert not ChildAddress.objects.exists()


def test_an_amendment_keeps_the_original_and_only_the_author_agency_may_amend(alice, bob, child):
    from mace.people.services import chronology_add

    original = chronology_add(
        actor=alice,
        child=child,
        kind=EntryKind.NOTE,
        title="Seen at park",
        body="Seen at the fictional park",
    )
    amendment = chronology_amend(
        actor=alice, entry=original, body="Seen at the fictional pier", reason="Wrong place"
    )
    original.refresh_from_db()
    assert original.body == "Seen at the fictional park"
    assert amendment.amends == original
    with pytest.raises(TypeError):
        original.save()
    with pytest.raises(Refused):
        chronology_amend(actor=bob, entry=original, body="x", reason="y")
    with pytest.raises(DomainError):
        chronology_amend(actor=alice, entry=original, body=" ", reason="")


def test_a_postcode_is_shown_with_its_space(alice, child):
    address = child_address_add(
        actor=alice,
        child=child,
        line1="4 Made Up Mews",
        postcode="co15 9zz",
        start_date=dt.date(2024, 1, 1),
    )
    assert address.postcode == "CO159ZZ"
    assert address.postcode_display == "CO15 9ZZ"
    assert str(address) == "4 Made Up Mews, CO15 9ZZ"
