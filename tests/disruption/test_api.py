"""The disruption API: list (scoped, filtered), record (201), read, change (409 on a stale
version) and evidence; who gets 403 and 404, and bad input 422 with field errors and nothing
written."""

from __future__ import annotations

from typing import Any

from mace.disruption.models import Disruption, EvidenceItem
from tests.api import API, call, field_errors, signed_in
from tests.disruption import closure, days, statement
from tests.intelligence import COLCHESTER_POSTCODE, location, person, phone

URL = f"{API}/disruption"


def _body(subject: Any, **fields: Any) -> dict[str, Any]:
    return {
        "subject": subject.pk,
        "type": "closure_notice",
        "status": "served",
        "applied_on": str(days(-3)),
        "served_on": str(days(-1)),
        "expires_on": str(days(1)),
    } | fields


def test_a_disruption_is_recorded_and_read_back(bob):
    hotel = location(bob)
    client = signed_in(bob)
    response = call(client, "post", URL, _body(hotel))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == {"id": hotel.pk, "kind": "location", "label": hotel.label}
    assert body["lead_agency"] == "Essex Police" and body["version"] == 1
    assert body["type_label"] == "Closure notice" and body["child"] is None
    read = client.get(f"{URL}/{body['id']}").json()
    assert read == body


def test_bad_input_answers_422_with_field_errors_and_writes_nothing(bob):
    hotel = location(bob)
    client = signed_in(bob)
    response = call(client, "post", URL, _body(hotel, type="", served_on=str(days(-5))))
    assert response.status_code == 422
    assert set(field_errors(response)) == {"type", "served_on"}
    response = call(client, "post", URL, _body(phone(bob)))
    assert set(field_errors(response)) == {"subject"}
    response = call(client, "post", URL, _body(hotel, lead_agency="No Such Agency"))
    assert set(field_errors(response)) == {"lead_agency"}
    response = call(client, "post", URL, {"type": "cpn"})
    assert set(field_errors(response)) == {"subject"}
    assert not Disruption.objects.exists()


def test_refusals(bob, district, analyst, board):
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    assert call(signed_in(district), "post", URL, _body(far)).status_code == 404
    assert call(signed_in(analyst), "post", URL, _body(far)).status_code == 403
    assert signed_in(board).get(URL).status_code == 403
    disruption = closure(bob, far)
    assert signed_in(district).get(f"{URL}/{disruption.pk}").status_code == 404
    assert signed_in(board).get(f"{URL}/{disruption.pk}").status_code == 404
    patch = {"version": 1, "notes": "x"}
    assert call(signed_in(analyst), "patch", f"{URL}/{disruption.pk}", patch).status_code == 403
    assert call(signed_in(district), "patch", f"{URL}/{disruption.pk}", patch).status_code == 404
    assert signed_in(analyst).get(f"{URL}/{disruption.pk}/evidence").status_code == 403
    assert Disruption.objects.get().version == 1


def test_the_list_is_scoped_and_filtered(bob, district):
    hotel = location(bob)
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    closure(bob, hotel)
    closure(bob, far, type="cpn", status="granted")
    body = signed_in(bob).get(URL, {"type": "cpn"}).json()
    assert body["count"] == 1 and body["items"][0]["subject"]["label"] == far.label
    body = signed_in(bob).get(URL, {"lead_agency": "Essex Police", "limit": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    body = signed_in(district).get(URL).json()
    assert [item["subject"]["id"] for item in body["items"]] == [hotel.pk]


def test_the_child_is_named_only_to_those_who_see_them(alice, district, child):
    disruption = closure(alice, location(alice), type="cawn", child=child)
    shown = signed_in(alice).get(f"{URL}/{disruption.pk}").json()["child"]
    assert shown == {"id": child.pk, "name": child.full_name, "shown": True}
    hidden = signed_in(district).get(f"{URL}/{disruption.pk}").json()["child"]
    assert hidden == {"id": None, "name": "a child (not shown)", "shown": False}


def test_a_change_needs_the_current_version(bob):
    disruption = closure(bob, location(bob))
    client = signed_in(bob)
    response = call(client, "patch", f"{URL}/{disruption.pk}", {"version": 1, "status": "expired"})
    assert response.status_code == 200 and response.json()["version"] == 2
    response = call(client, "patch", f"{URL}/{disruption.pk}", {"version": 1, "notes": "Late"})
    assert response.status_code == 409
    assert response.json()["current"]["status"] == "expired"
    response = call(
        client, "patch", f"{URL}/{disruption.pk}", {"version": 2, "expires_on": str(days(-30))}
    )
    assert set(field_errors(response)) == {"expires_on"}
    assert Disruption.objects.get().notes == ""


def test_evidence_is_listed_and_added(alice, bob, child):
    suspect = person(alice)
    disruption = closure(alice, location(alice), type="cawn", child=child)
    statement(alice, disruption=disruption, child=child, person=suspect)
    statement(alice, disruption=disruption, person=suspect)
    assert signed_in(alice).get(f"{URL}/{disruption.pk}/evidence").json()["count"] == 2
    # Bob sees disruption but not the child: only the item about the person.
    assert signed_in(bob).get(f"{URL}/{disruption.pk}/evidence").json()["count"] == 1
    response = call(
        signed_in(bob),
        "post",
        f"{URL}/{disruption.pk}/evidence",
        {"description": "ANPR (fictional)", "kind": "anpr", "collected_on": str(days(-1)),
         "person": suspect.pk},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["person"]["id"] == suspect.pk


def test_bad_evidence_answers_422_and_writes_nothing(alice, bob, child):
    disruption = closure(alice, location(alice))
    url = f"{URL}/{disruption.pk}/evidence"
    response = call(signed_in(alice), "post", url, {"description": "x", "kind": "statement"})
    assert set(field_errors(response)) == {"collected_on", "person"}
    body = {"description": "x", "kind": "statement", "collected_on": str(days(-1))}
    response = call(signed_in(bob), "post", url, body | {"child": child.pk})
    assert set(field_errors(response)) == {"child"}
    assert not EvidenceItem.objects.exists()
