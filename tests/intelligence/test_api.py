"""The intelligence API: lists and search, create, read, change (with 409 on a stale version),
links, and recording a link; who gets 404, 403 and 422, and that refusals write nothing."""

from __future__ import annotations

import datetime as dt

from mace.access.choices import AccessOutcome
from mace.access.models import AccessEvent
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.intelligence.models import Link, Record, Vehicle
from mace.reference.models import Area
from tests.api import API, call, field_errors, refused_events, signed_in
from tests.intelligence import link, location, person, phone, today, vehicle

INTEL = f"{API}/intelligence"


def _counts() -> tuple[int, int]:
    return Record.objects.count(), Link.objects.count()


# --- lists -------------------------------------------------------------------------------------


def test_a_list_answers_a_page_of_records_and_searches(alice):
    vehicle(alice)
    vehicle(alice, registration="ZZ21 QXV", colour="Blue")
    client = signed_in(alice)
    body = client.get(f"{INTEL}/vehicles").json()
    assert body["count"] == 2 and [v["registration"] for v in body["items"]] == [
        "ZZ19 FKE",
        "ZZ21 QXV",
    ]
    body = client.get(f"{INTEL}/vehicles", {"q": "zz 21 qxv"}).json()
    assert [v["registration_key"] for v in body["items"]] == ["ZZ21QXV"]
    body = client.get(f"{INTEL}/vehicles", {"limit": 1, "offset": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1


def test_a_list_is_refused_to_roles_without_it(board, district, nurse):
    for user in (board, nurse):
        assert signed_in(user).get(f"{INTEL}/persons").status_code == 403
    assert signed_in(district).get(f"{INTEL}/phones").status_code == 403


def test_a_district_officer_lists_their_district_only(alice, district):
    location(alice)
    location(alice, name="The Far Kipper", line1="3 Far Lane", postcode="CO1 9ZB")
    body = signed_in(district).get(f"{INTEL}/locations").json()
    assert [item["name"] for item in body["items"]] == ["The Sleepy Kipper Hotel"]
    assert body["items"][0]["area"] == {"code": "basildon", "name": "Basildon", "quadrant": "South"}


def test_a_page_is_bounded(alice):
    response = signed_in(alice).get(f"{INTEL}/phones", {"limit": 101})
    assert field_errors(response) == {"limit": ["Input should be less than or equal to 100"]}


# --- create and read ---------------------------------------------------------------------------


def test_a_location_is_created_and_answers_where_it_is(alice):
    response = call(
        signed_in(alice),
        "post",
        f"{INTEL}/locations",
        {"kind": "takeaway", "name": "Crumbwell's Chicken", "postcode": "ss14 9zc",
         "latitude": 51.5761, "longitude": 0.4887},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "location" and body["location_kind"] == "takeaway"
    assert body["postcode"] == "SS14 9ZC" and body["latitude"] == 51.5761
    assert body["area"]["quadrant"] == "South" and body["placed_by_hand"] is False
    assert body["agency"] == "Essex Children and Families (social care)" and body["version"] == 1


def test_bad_input_answers_422_with_field_errors_and_writes_nothing(alice):
    before = _counts()
    response = call(
        signed_in(alice), "post", f"{INTEL}/persons", {"name": "", "category": "grown-up"}
    )
    errors = field_errors(response)
    assert errors["name"] == ["Enter their name, or the name they are known by"]
    assert errors["category"] == ["Choose whether they are an adult or a peer"]
    response = call(signed_in(alice), "post", f"{INTEL}/persons", {"name": ["a list"]})
    assert "name" in field_errors(response)
    response = call(
        signed_in(alice), "post", f"{INTEL}/vehicles", {"registration": "ZZ1", "area": "atlantis"}
    )
    assert field_errors(response) == {
        "area": ["Choose a council area from the list, like basildon"]
    }
    assert _counts() == before


def test_a_duplicate_answers_422_naming_the_record_already_there(alice, district):
    car = vehicle(alice, area=Area.objects.get(code="basildon"))
    response = call(signed_in(alice), "post", f"{INTEL}/vehicles", {"registration": "zz19fke"})
    assert field_errors(response) == {
        "registration": [
            "A vehicle with the registration ZZ19 FKE is already recorded: vehicle "
            f"{car.pk}, GET /api/v1/intelligence/vehicles/{car.pk}"
        ]
    }
    far = location(alice, name="The Far Kipper", line1="3 Far Lane", postcode="CO1 9ZB")
    response = call(
        signed_in(district),
        "post",
        f"{INTEL}/locations",
        {"kind": "hotel", "line1": "3 Far Lane", "postcode": "CO1 9ZB", "area": "basildon"},
    )
    message = field_errors(response)["line1"][0]
    assert "outside what you can see" in message and str(far.pk) not in message


def test_a_record_is_read_and_the_read_is_logged(alice):
    mordecai = person(alice, dob=today() - dt.timedelta(days=365 * 30 + 20), age_estimate=None)
    body = signed_in(alice).get(f"{INTEL}/persons/{mordecai.pk}").json()
    assert body["name"] == "Mordecai Blackwhistle" and body["approximate_age"] == 30
    assert AccessEvent.objects.filter(
        user=alice, object_type="intelligence.personofconcern", object_id=str(mordecai.pk),
        outcome=AccessOutcome.ALLOWED,
    ).count() == 1  # fmt: skip


def test_an_outsider_gets_404_as_for_a_record_that_does_not_exist(alice, board, district):
    number = phone(alice)
    for user in (board, district):
        response = signed_in(user).get(f"{INTEL}/phones/{number.pk}")
        assert response.status_code == 404 and response.json() == {"detail": "Not found"}
        assert (
            AccessEvent.objects.filter(
                user=user, object_id=str(number.pk), outcome=AccessOutcome.REFUSED
            ).count()
            == 1
        )
    assert signed_in(alice).get(f"{INTEL}/phones/987654").status_code == 404


# --- change --------------------------------------------------------------------------------------


def test_a_change_answers_the_new_version(alice, bob):
    car = vehicle(alice)
    response = call(
        signed_in(bob), "patch", f"{INTEL}/vehicles/{car.pk}", {"version": 1, "colour": "Red"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["colour"] == "Red"
    assert response.json()["make"] == "Ford"  # unchanged: only what was sent changes


def test_a_stale_version_answers_409_with_the_record_as_it_is_now(alice, bob):
    car = vehicle(alice)
    call(signed_in(bob), "patch", f"{INTEL}/vehicles/{car.pk}", {"version": 1, "colour": "Red"})
    response = call(
        signed_in(alice), "patch", f"{INTEL}/vehicles/{car.pk}", {"version": 1, "colour": "Blue"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["colour"] == "Red" and body["current"]["version"] == 2
    assert body["errors"][0]["field"] == "version"
    assert Vehicle.objects.get().colour == "Red"


def test_a_reader_may_not_change_and_an_outsider_is_not_told_it_exists(alice, analyst, board):
    car = vehicle(alice)
    body = {"version": 1, "colour": "Red"}
    assert call(signed_in(analyst), "patch", f"{INTEL}/vehicles/{car.pk}", body).status_code == 403
    assert call(signed_in(board), "patch", f"{INTEL}/vehicles/{car.pk}", body).status_code == 404
    assert Vehicle.objects.get().version == 1


def test_a_change_with_bad_input_answers_422(alice):
    hotel = location(alice)
    response = call(
        signed_in(alice), "patch", f"{INTEL}/locations/{hotel.pk}", {"version": 1, "postcode": "X"}
    )
    assert field_errors(response) == {"postcode": ["Enter a real postcode, like CM1 1AA"]}


# --- links ---------------------------------------------------------------------------------------


def test_a_records_links_are_graded_and_a_child_is_named_only_to_who_may_see_them(
    alice, bob, child
):
    mordecai = person(alice)
    link(alice, mordecai, child=child, source_evaluation="3", intelligence_assessment="C")
    body = signed_in(alice).get(f"{INTEL}/persons/{mordecai.pk}/links").json()
    item = body["items"][0]
    assert item["subject"] == {"kind": "child", "id": child.pk, "name": "Zephyrine Testington",
                               "visible": True}  # fmt: skip
    assert item["sentence"] == (
        "Reported, not corroborated: Zephyrine Testington was seen with Mordecai Blackwhistle."
    )
    assert item["grading"]["presented_as_fact"] is False and item["grading"]["code"] == "3 / C / P"
    body = signed_in(bob).get(f"{INTEL}/persons/{mordecai.pk}/links").json()
    assert body["items"][0]["subject"] == {"kind": "child", "id": None, "name": None,
                                           "visible": False}  # fmt: skip
    assert "Zephyrine" not in str(body)


def test_a_district_officer_gets_only_the_number_of_links_to_children(alice, district, child):
    hotel = location(alice)
    link(alice, hotel, child=child, relationship="found_at")
    body = signed_in(district).get(f"{INTEL}/locations/{hotel.pk}/links").json()
    assert body == {"count": 0, "items": [], "children_not_shown": 1}


def test_a_childs_links_are_for_those_who_see_the_child_and_intelligence(alice, bob, nurse, child):
    mordecai = person(alice)
    link(alice, mordecai, child=child)
    assert signed_in(alice).get(f"{INTEL}/children/{child.pk}/links").json()["count"] == 1
    assert signed_in(bob).get(f"{INTEL}/children/{child.pk}/links").status_code == 404
    assert refused_events(bob, child) == 1
    from mace.people.models import AgencyInvolvement

    AgencyInvolvement.objects.create(child=child, agency=nurse.agency, reason="allocated")
    assert signed_in(nurse).get(f"{INTEL}/children/{child.pk}/links").status_code == 403


def _link_body(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "relationship": "seen_with",
        "information_date": (today() - dt.timedelta(days=1)).isoformat(),
        "source_kind": "officer",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
    }
    return body | overrides


def test_a_link_is_recorded_from_a_concern(alice, child):
    mordecai = person(alice)
    concern = concern_record(
        actor=alice, child=child, narrative="Fictional.",
        indicators=[IndicatorSeen("older-associates", today(), "observed")],
        routes=[RouteTo("police", today() + dt.timedelta(days=3))],
    )  # fmt: skip
    response = call(
        signed_in(alice),
        "post",
        f"{INTEL}/links",
        _link_body(
            child=child.pk,
            target={"kind": "person", "id": mordecai.pk},
            origin={"type": "concerns.concern", "id": concern.pk},
            source_agency="Essex Police",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sentence"] == "Zephyrine Testington was seen with Mordecai Blackwhistle."
    assert body["origin"] == {"type": "concerns.concern", "id": concern.pk,
                              "description": "a concern"}  # fmt: skip
    assert body["source_agency"] == "Essex Police" and body["agency"].startswith("Essex Children")


def test_a_bad_link_answers_422_and_writes_nothing(alice, child):
    mordecai = person(alice)
    car = vehicle(alice)
    before = _counts()
    response = call(
        signed_in(alice),
        "post",
        f"{INTEL}/links",
        _link_body(
            subject={"kind": "vehicle", "id": car.pk},
            target={"kind": "person", "id": mordecai.pk},
            relationship="lives_at",
            intelligence_assessment="",
            handling_code="C",
        ),
    )
    errors = field_errors(response)
    assert errors["relationship"] == ["“lives at” does not link a vehicle to a person of concern"]
    assert "intelligence_assessment" in errors and "handling_conditions" in errors
    response = call(
        signed_in(alice), "post", f"{INTEL}/links",
        _link_body(target={"kind": "spaceship", "id": 1}, child=child.pk),
    )  # fmt: skip
    assert field_errors(response) == {
        "target.kind": ["Choose person, location, vehicle, phone or account"]
    }
    response = call(
        signed_in(alice), "post", f"{INTEL}/links",
        _link_body(target={"kind": "person", "id": mordecai.pk}, child=child.pk,
                   origin={"type": "people.child", "id": child.pk}),
    )  # fmt: skip
    assert field_errors(response) == {"origin": ["A link can come from concerns.concern"]}
    assert _counts() == before


def test_a_link_to_an_end_the_user_may_not_see_answers_404(alice, bob, district, child):
    mordecai = person(bob)
    response = call(
        signed_in(bob), "post", f"{INTEL}/links",
        _link_body(target={"kind": "person", "id": mordecai.pk}, child=child.pk),
    )  # fmt: skip
    assert response.status_code == 404 and refused_events(bob, child) == 1
    hotel = location(district)
    far = location(alice, name="The Far Kipper", line1="3 Far Lane", postcode="CO1 9ZB")
    response = call(
        signed_in(district), "post", f"{INTEL}/links",
        _link_body(subject={"kind": "location", "id": far.pk},
                   target={"kind": "location", "id": hotel.pk}, relationship="associated_with"),
    )  # fmt: skip
    assert response.status_code == 404
    assert not Link.objects.exists()


def test_the_same_link_twice_answers_422(alice, child):
    mordecai = person(alice)
    body = _link_body(target={"kind": "person", "id": mordecai.pk}, child=child.pk)
    assert call(signed_in(alice), "post", f"{INTEL}/links", body).status_code == 201
    errors = field_errors(call(signed_in(alice), "post", f"{INTEL}/links", body))
    assert "already recorded" in errors["__all__"][0]
    assert Link.objects.count() == 1
