"""GET and POST /api/v1/children/{id}/identifiers: a child's NHS number, UPN and other
references. An invalid one is refused with the message that says what is wrong."""

from __future__ import annotations

import pytest

from mace.access.choices import AccessAction
from mace.people.identifiers import nhs_number_error, upn_error
from mace.people.models import ChildIdentifier
from tests.api import (
    API,
    FICTIONAL_NHS_NUMBER,
    FICTIONAL_UPN,
    allowed_events,
    field_errors,
    row_counts,
    signed_in,
)
from tests.factories import ChildFactory


def url(child) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/children/{child.pk}/identifiers"


def add(user, child, body):  # type: ignore[no-untyped-def]
    return signed_in(user).post(url(child), body, content_type="application/json")


def test_the_list_shows_each_identifier_with_its_type_and_agency(alice, csc, child):
    ChildIdentifier.objects.create(child=child, type="upn", value=FICTIONAL_UPN, agency=csc)
    ChildIdentifier.objects.create(child=child, type="police", value="FICTIONAL/9")
    response = signed_in(alice).get(url(child))
    assert response.status_code == 200
    assert [(i["type_label"], i["value"], i["agency"]) for i in response.json()] == [
        ("Police reference", "FICTIONAL/9", None),
        ("Unique pupil number (UPN)", FICTIONAL_UPN, csc.name),
    ]
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_a_valid_nhs_number_is_added_in_its_plain_form(alice, csc, child):
    spaced = f"{FICTIONAL_NHS_NUMBER[:3]} {FICTIONAL_NHS_NUMBER[3:6]} {FICTIONAL_NHS_NUMBER[6:]}"
    response = add(alice, child, {"type": "nhs", "value": spaced, "valid_from": "2020-01-01"})
    assert response.status_code == 201, response.content
    body = response.json()
    identifier = ChildIdentifier.objects.get(child=child)
    assert body["id"] == identifier.pk
    assert body["value"] == FICTIONAL_NHS_NUMBER == identifier.value
    assert body["type_label"] == "NHS number"
    assert body["valid_from"] == "2020-01-01"
    assert body["agency"] == csc.name
    assert allowed_events(alice, child, AccessAction.CHANGE) == 1


@pytest.mark.parametrize(
    ("type_", "value", "message"),
    [
        ("nhs", "9990000019", nhs_number_error("9990000019")),
        ("nhs", "12345", nhs_number_error("12345")),
        ("upn", "A99999900000X", upn_error("A99999900000X")),
        ("police", "   ", "Enter the identifier"),
        ("passport", "FICTIONAL1", "Choose the type of identifier"),
    ],
    ids=["nhs-check-digit", "nhs-length", "upn-check-letter", "blank", "unknown-type"],
)
def test_an_invalid_identifier_is_refused_with_what_is_wrong(alice, child, type_, value, message):
    assert message  # the case really is invalid
    before = row_counts()
    errors = field_errors(add(alice, child, {"type": type_, "value": value}))
    assert errors == {"value": [message]}
    assert row_counts() == before


def test_an_end_before_the_start_is_refused(alice, child):
    before = row_counts()
    response = add(
        alice,
        child,
        {
            "type": "police",
            "value": "FICTIONAL/1",
            "valid_from": "2024-05-01",
            "valid_to": "2024-04-30",
        },
    )
    assert field_errors(response) == {
        "valid_to": ["The end date must be the same as or after the start date"]
    }
    assert row_counts() == before


def test_a_missing_type_or_a_malformed_date_is_a_field_error(alice, child):
    before = row_counts()
    errors = field_errors(add(alice, child, {"value": "FICTIONAL/1", "valid_from": "May"}))
    assert set(errors) == {"type", "valid_from"}
    assert row_counts() == before


def test_an_identifier_of_another_child_is_refused_so_no_duplicate_is_made(alice, police, child):
    other = ChildFactory(involved=[police])
    ChildIdentifier.objects.create(child=other, type="nhs", value=FICTIONAL_NHS_NUMBER)
    before = row_counts()
    errors = field_errors(add(alice, child, {"type": "nhs", "value": FICTIONAL_NHS_NUMBER}))
    assert errors["value"][0].startswith("This identifier is already recorded for another child")
    assert row_counts() == before
