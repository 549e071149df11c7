"""GET /api/v1/children/{id}: the child's record with identifiers, current address (placed in
an area and quadrant, or not) and the agencies involved, read through the policy and logged."""

from __future__ import annotations

import datetime as dt

from mace.access.choices import AccessAction, AccessOutcome
from mace.access.models import AccessEvent
from mace.people.models import ChildIdentifier
from mace.people.services import child_address_add
from tests.api import API, allowed_events, signed_in, today


def url(child_id: int) -> str:
    return f"{API}/children/{child_id}"


def test_the_record_shows_who_the_child_is_and_who_works_with_them(alice, csc, child):
    ChildIdentifier.objects.create(child=child, type="police", value="FICTIONAL/123", agency=csc)
    child_address_add(
        actor=alice,
        child=child,
        line1="9 Former Close",
        postcode="CO15 1ZZ",
        start_date=today() - dt.timedelta(days=400),
        end_date=today() - dt.timedelta(days=30),
    )
    child_address_add(
        actor=alice,
        child=child,
        line1="1 Imaginary Row",
        postcode="CM1 1ZZ",
        start_date=today() - dt.timedelta(days=29),
    )
    response = signed_in(alice).get(url(child.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == child.pk
    assert body["reference"] == child.reference
    assert (body["forename"], body["surname"]) == ("Zephyrine", "Testington")
    assert body["sex"] == "F"
    assert body["age"] == child.age_on()
    assert body["identifiers"] == [
        {
            "id": ChildIdentifier.objects.get().pk,
            "type": "police",
            "type_label": "Police reference",
            "value": "FICTIONAL/123",
            "valid_from": None,
            "valid_to": None,
            "agency": csc.name,
        }
    ]
    address = body["current_address"]
    assert address["line1"] == "1 Imaginary Row"
    assert address["postcode"] == "CM1 1ZZ"
    assert address["placed"] is True
    assert address["area"] == {"code": "chelmsford", "name": "Chelmsford", "quadrant": "Mid"}
    assert body["area"] == address["area"]
    assert [a["agency"] for a in body["involved_agencies"]] == [csc.name]
    assert body["involved_agencies"][0]["reason"] == "allocated"
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_an_address_its_postcode_cannot_place_says_it_is_unplaced(alice, child):
    child_address_add(
        actor=alice, child=child, line1="2 Nowhere Lane", postcode="ZE9 9ZZ", start_date=today()
    )
    body = signed_in(alice).get(url(child.pk)).json()
    assert body["current_address"]["placed"] is False
    assert body["current_address"]["area"] is None
    assert body["area"] is None


def test_a_child_with_no_address_has_no_current_address(alice, child):
    assert signed_in(alice).get(url(child.pk)).json()["current_address"] is None


def test_a_child_that_does_not_exist_gets_the_same_404_and_the_look_is_logged(alice, child):
    missing = signed_in(alice).get(url(child.pk + 1000))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found"}
    event = AccessEvent.objects.get(user=alice, outcome=AccessOutcome.REFUSED)
    assert event.child_id is None
    assert f"no child {child.pk + 1000}" in event.detail


def test_an_agency_no_longer_involved_loses_sight_of_the_child(alice, child):
    from django.utils import timezone

    child.involvements.update(ended_at=timezone.now())
    assert signed_in(alice).get(url(child.pk)).status_code == 404
