"""POST /api/v1/children: a practitioner creates a child's record and their agency becomes
involved with the child."""

from __future__ import annotations

import datetime as dt

import pytest

from mace.access.choices import AccessAction
from mace.people.choices import EntryKind
from mace.people.models import Child, ChronologyEntry
from tests.api import API, allowed_events, field_errors, row_counts, signed_in, today

URL = f"{API}/children"


def test_a_practitioner_creates_a_child_and_their_agency_is_involved(alice, csc):
    dob = today() - dt.timedelta(days=365 * 13)
    response = signed_in(alice).post(
        URL,
        {
            "forename": " Quillon ",
            "surname": "Fictionalson",
            "other_names": "Quill",
            "dob": str(dob),
            "sex": "M",
            "ethnicity": "WBRI",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    child = Child.objects.get()
    assert body["id"] == child.pk
    assert body["reference"] == child.reference
    assert (body["forename"], body["surname"], body["other_names"]) == (
        "Quillon",
        "Fictionalson",
        "Quill",
    )
    assert body["dob"] == str(dob)
    assert body["age"] == child.age_on()
    assert body["identifiers"] == []
    assert body["current_address"] is None
    assert [a["agency"] for a in body["involved_agencies"]] == [csc.name]
    assert ChronologyEntry.objects.filter(child=child, kind=EntryKind.RECORD_CREATED).exists()
    assert allowed_events(alice, child, AccessAction.CHANGE) == 1


def test_bad_input_is_refused_with_field_errors_and_nothing_is_written(alice):
    before = row_counts()
    response = signed_in(alice).post(
        URL, {"forename": "  ", "surname": "", "sex": "Q"}, content_type="application/json"
    )
    errors = field_errors(response)
    assert errors["forename"] == ["Enter the child's first name"]
    assert errors["surname"] == ["Enter the child's last name"]
    assert "sex" in errors
    assert row_counts() == before


def test_a_birth_date_in_the_future_is_refused_by_the_schema(alice):
    """The documented bound (mace.core.bounds) is checked before anything else runs."""
    before = row_counts()
    response = signed_in(alice).post(
        URL,
        {
            "forename": "Ember",
            "surname": "Fictionalson",
            "dob": str(today() + dt.timedelta(days=1)),
        },
        content_type="application/json",
    )
    assert field_errors(response) == {"dob": ["Date of birth must be today or in the past"]}
    assert row_counts() == before


def test_a_malformed_date_of_birth_is_a_field_error(alice):
    before = row_counts()
    response = signed_in(alice).post(
        URL,
        {"forename": "Ember", "surname": "Fictionalson", "dob": "last spring"},
        content_type="application/json",
    )
    assert list(field_errors(response)) == ["dob"]
    assert row_counts() == before


def test_a_body_that_is_not_json_is_refused_and_nothing_is_written(alice):
    before = row_counts()
    response = signed_in(alice).post(URL, "forename=Ember", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "errors": [{"field": "__all__", "message": "The body is not valid JSON"}]
    }
    assert row_counts() == before


@pytest.mark.parametrize("persona", ["district", "board", "admin_user"])
def test_roles_without_case_content_cannot_create_a_child(request, db, persona):
    user = request.getfixturevalue(persona)
    before = row_counts()
    response = signed_in(user).post(
        URL, {"forename": "Ember", "surname": "Fictionalson"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert row_counts() == before
