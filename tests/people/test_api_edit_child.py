"""PATCH /api/v1/children/{id} and PATCH /api/v1/children/{id}/addresses/{id}: a change names
the version it was made from; a stale one answers 409 with the record as it is now, and nothing
is written. Bad input is a 422 with field errors; a child you may not see is 404."""

from __future__ import annotations

from django.test import Client

from mace.access.choices import AccessAction
from mace.people.models import Child, ChildAddress
from mace.people.services import child_address_add
from tests.api import (
    API,
    allowed_events,
    bearer,
    field_errors,
    refused_events,
    row_counts,
    signed_in,
    today,
    token_for,
)


def url(child) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/children/{child.pk}"


def patch(client, path: str, body: dict) -> object:  # type: ignore[no-untyped-def]
    return client.patch(path, body, content_type="application/json")


def test_a_change_answers_the_record_at_the_next_version(alice, child):
    response = patch(signed_in(alice), url(child), {"version": 1, "other_names": "Zeph"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["other_names"] == "Zeph"
    assert body["surname"] == child.surname  # fields not sent are left alone
    fresh = Child.objects.get(pk=child.pk)
    assert fresh.other_names == "Zeph" and fresh.version == 2
    assert allowed_events(alice, child, AccessAction.CHANGE) == 1


def test_the_version_is_in_the_record_read(alice, child):
    assert signed_in(alice).get(url(child)).json()["version"] == 1


def test_a_stale_version_answers_409_with_the_current_record(alice, manager, child):
    assert (
        patch(signed_in(manager), url(child), {"version": 1, "surname": "First"}).status_code == 200
    )
    before = row_counts()
    response = patch(signed_in(alice), url(child), {"version": 1, "surname": "Second"})
    assert response.status_code == 409
    body = response.json()
    assert "Someone else changed this record" in body["detail"]
    assert body["errors"][0]["field"] == "version"
    assert body["current"]["surname"] == "First" and body["current"]["version"] == 2
    assert Child.objects.get(pk=child.pk).surname == "First"
    assert row_counts() == before


def test_a_missing_version_or_bad_input_is_422_and_writes_nothing(alice, child):
    client = signed_in(alice)
    assert "version" in field_errors(patch(client, url(child), {"surname": "Unversioned"}))
    errors = field_errors(patch(client, url(child), {"version": 1, "forename": "", "sex": "Q"}))
    assert set(errors) == {"forename", "sex"}
    assert "dob" in field_errors(patch(client, url(child), {"version": 1, "dob": "not a date"}))
    fresh = Child.objects.get(pk=child.pk)
    assert fresh.version == 1 and fresh.forename == child.forename


def test_an_outsider_gets_404_and_the_refusal_is_logged(outsiders, child):
    for outsider in outsiders:
        response = patch(signed_in(outsider), url(child), {"version": 1, "surname": "Intruder"})
        assert response.status_code == 404
        assert refused_events(outsider, child) == 1
    assert Child.objects.get(pk=child.pk).version == 1


def test_a_personal_token_can_change_a_child(alice, child):
    raw = token_for(alice)
    response = Client().patch(
        url(child), {"version": 1, "ethnicity": "WBRI"}, content_type="application/json",
        headers=bearer(raw),
    )  # fmt: skip
    assert response.status_code == 200
    assert Child.objects.get(pk=child.pk).history.first().history_user == alice  # type: ignore[union-attr]


def address_url(child, address) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/children/{child.pk}/addresses/{address.pk}"


def test_an_address_is_changed_ended_and_placed_by_hand(alice, child):
    address = child_address_add(
        actor=alice, child=child, line1="1 Fable Row", postcode="ZE9 9ZZ", start_date=today()
    )
    client = signed_in(alice)
    response = patch(client, address_url(child, address), {"version": 1, "town": "Harlow"})
    assert response.status_code == 200 and response.json()["version"] == 2
    placed = patch(client, address_url(child, address), {"version": 2, "area": "harlow"})
    assert placed.json()["placed_by_hand"] is True and placed.json()["area"]["code"] == "harlow"
    ended = patch(client, address_url(child, address), {"version": 3, "end_date": str(today())})
    assert ended.status_code == 200 and ended.json()["end_date"] == str(today())
    address.refresh_from_db()
    assert (address.town, address.area.code, address.end_date) == ("Harlow", "harlow", today())  # type: ignore[union-attr]


def test_a_stale_address_version_answers_409(alice, manager, child):
    address = child_address_add(actor=alice, child=child, line1="2 Fable Row", start_date=today())
    patch(signed_in(manager), address_url(child, address), {"version": 1, "town": "Basildon"})
    response = patch(
        signed_in(alice), address_url(child, address), {"version": 1, "town": "Rayleigh"}
    )
    assert response.status_code == 409
    assert response.json()["current"]["town"] == "Basildon"
    assert ChildAddress.objects.get(pk=address.pk).town == "Basildon"


def test_bad_address_input_is_422(alice, child):
    address = child_address_add(actor=alice, child=child, line1="3 Fable Row", start_date=today())
    client = signed_in(alice)
    before = today().replace(year=today().year - 1)
    errors = field_errors(
        patch(client, address_url(child, address), {"version": 1, "end_date": str(before)})
    )
    assert "end_date" in errors
    assert "area" in field_errors(
        patch(client, address_url(child, address), {"version": 1, "area": "atlantis"})
    )
    assert "version" in field_errors(patch(client, address_url(child, address), {"line1": "x"}))
    assert ChildAddress.objects.get(pk=address.pk).version == 1


def test_an_address_of_another_child_or_an_outsider_is_404(alice, bob, child, csc):
    from tests.factories import ChildFactory

    address = child_address_add(actor=alice, child=child, line1="4 Fable Row", start_date=today())
    other = ChildFactory(involved=[csc])
    response = patch(signed_in(alice), address_url(other, address), {"version": 1, "town": "X"})
    assert response.status_code == 404
    response = patch(signed_in(bob), address_url(child, address), {"version": 1, "town": "X"})
    assert response.status_code == 404 and refused_events(bob, child) == 1
    assert ChildAddress.objects.get(pk=address.pk).version == 1


def test_the_openapi_document_lists_the_409(client, db):
    document = client.get(f"{API}/openapi.json").json()
    for path in (
        "/api/v1/children/{child_id}",
        "/api/v1/children/{child_id}/addresses/{address_id}",
    ):
        assert {"200", "404", "409", "422"} <= set(document["paths"][path]["patch"]["responses"])
