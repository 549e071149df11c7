"""GET and POST /api/v1/children/{id}/addresses: where the child lives. The postcode places the
address in a council area and quadrant; one it cannot place says so, and can be placed by hand."""

from __future__ import annotations

import datetime as dt

from mace.access.choices import AccessAction
from mace.people.models import Child, ChildAddress
from mace.people.services import child_address_add
from tests.api import API, allowed_events, field_errors, row_counts, signed_in, today


def url(child) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/children/{child.pk}/addresses"


def add(user, child, body):  # type: ignore[no-untyped-def]
    return signed_in(user).post(url(child), body, content_type="application/json")


def test_the_list_is_newest_first(alice, child):
    for n, postcode in enumerate(["CO15 1ZZ", "SS14 1ZZ"]):
        child_address_add(
            actor=alice,
            child=child,
            line1=f"{n + 1} Imaginary Row",
            postcode=postcode,
            start_date=today() - dt.timedelta(days=100 - n * 50),
        )
    response = signed_in(alice).get(url(child))
    assert response.status_code == 200
    body = response.json()
    assert [(a["line1"], a["area"]["name"], a["area"]["quadrant"]) for a in body] == [
        ("2 Imaginary Row", "Basildon", "South"),
        ("1 Imaginary Row", "Tendring", "North"),
    ]
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_the_postcode_places_the_address_in_its_area_and_quadrant(alice, child):
    response = add(
        alice,
        child,
        {
            "line1": "1 Imaginary Row",
            "town": "Chelmsford",
            "postcode": "cm1 1zz",
            "start_date": str(today()),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == ChildAddress.objects.get().pk
    assert body["postcode"] == "CM1 1ZZ"
    assert body["placed"] is True and body["placed_by_hand"] is False
    assert body["area"] == {"code": "chelmsford", "name": "Chelmsford", "quadrant": "Mid"}
    assert body["is_current"] is True
    assert Child.objects.get(pk=child.pk).area.code == "chelmsford"  # type: ignore[union-attr]
    assert allowed_events(alice, child, AccessAction.CHANGE) == 1


def test_an_address_its_postcode_cannot_place_says_it_is_not_placed(alice, child):
    body = add(
        alice, child, {"line1": "2 Nowhere Lane", "postcode": "ZE9 9ZZ", "start_date": str(today())}
    ).json()
    assert body["placed"] is False
    assert body["area"] is None


def test_an_address_can_be_placed_by_hand(alice, child):
    body = add(
        alice,
        child,
        {
            "line1": "2 Nowhere Lane",
            "postcode": "ZE9 9ZZ",
            "start_date": str(today()),
            "area": "tendring",
        },
    ).json()
    assert body["placed"] is True and body["placed_by_hand"] is True
    assert body["area"] == {"code": "tendring", "name": "Tendring", "quadrant": "North"}


def test_a_unitary_council_is_outside_the_quadrants(alice, child):
    body = add(
        alice, child, {"line1": "3 Pier Walk", "postcode": "SS1 1ZZ", "start_date": str(today())}
    ).json()
    assert body["area"] == {"code": "southend", "name": "Southend-on-Sea", "quadrant": None}


def test_an_unknown_area_code_is_refused_and_nothing_is_written(alice, child):
    before = row_counts()
    errors = field_errors(
        add(
            alice,
            child,
            {"line1": "2 Nowhere Lane", "start_date": str(today()), "area": "atlantis"},
        )
    )
    assert list(errors) == ["area"]
    assert row_counts() == before


def test_bad_input_is_refused_with_field_errors_and_nothing_is_written(alice, child):
    before = row_counts()
    errors = field_errors(
        add(alice, child, {"line1": " ", "postcode": "NOT A POSTCODE", "uprn": "12ab"})
    )
    assert errors == {
        "line1": ["Enter the first line of the address"],
        "postcode": ["Enter a real postcode, like CM1 1AA"],
        "start_date": ["Enter the date the child started living here"],
        "uprn": ["A UPRN is up to 12 digits"],
    }
    assert row_counts() == before


def test_a_malformed_date_is_a_field_error(alice, child):
    before = row_counts()
    errors = field_errors(
        add(alice, child, {"line1": "1 Imaginary Row", "start_date": "31/02/2020"})
    )
    assert list(errors) == ["start_date"]
    assert row_counts() == before
