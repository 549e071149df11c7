"""Recording and changing persons of concern, locations, vehicles, phones and accounts: what is
checked, what is normalised, and that the same thing is never entered twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.intelligence import services
from mace.intelligence.models import Location, PersonOfConcern, Phone, Record, Vehicle
from mace.intelligence.services import DuplicateRecord
from mace.reference.models import Area
from tests.intelligence import account, location, person, phone, today, vehicle


def errors_of(excinfo: pytest.ExceptionInfo[DomainError]) -> dict[str, list[str]]:
    return excinfo.value.errors


def test_a_person_of_concern_is_recorded_with_its_identity(alice, csc):
    mordecai = person(alice, aliases="Mords, Blackie", area=Area.objects.get(code="basildon"))
    identity = Record.objects.get(pk=mordecai.pk)
    assert identity.kind == "person"
    assert identity.label == "Mordecai Blackwhistle (also known as Mords, Blackie)"
    assert identity.agency == csc and identity.created_by == alice
    assert identity.area.code == "basildon" and identity.about_a_minor is False
    assert mordecai.age_estimated_on == today() and mordecai.approximate_age() == 30
    assert mordecai.history.count() == 1
    assert mordecai.history.first().history_user == alice


def test_an_age_estimate_grows_older_with_the_years(alice):
    mordecai = person(alice, age_estimate=25)
    later = today() + dt.timedelta(days=366 * 2)
    assert mordecai.approximate_age(later) == 27


def test_a_peer_is_under_18_and_an_adult_is_not(alice):
    with pytest.raises(DomainError) as excinfo:
        person(alice, category="peer", age_estimate=19)
    assert "A peer is under 18" in errors_of(excinfo)["category"][0]
    with pytest.raises(DomainError) as excinfo:
        person(
            alice, category="adult", age_estimate=None, dob=today() - dt.timedelta(days=365 * 15)
        )
    assert "Someone under 18 is a peer" in errors_of(excinfo)["category"][0]
    peer = person(alice, name="Kip Fictional", category="peer", age_estimate=16)
    assert Record.objects.get(pk=peer.pk).about_a_minor is True


def test_a_person_needs_a_name_and_an_age_group_and_one_way_of_giving_age(alice):
    with pytest.raises(DomainError) as excinfo:
        services.record_create(
            actor=alice,
            kind="person",
            data={"name": " ", "dob": today() - dt.timedelta(days=9000), "age_estimate": 30},
        )
    errors = errors_of(excinfo)
    assert errors["name"] == ["Enter their name, or the name they are known by"]
    assert errors["category"] == ["Choose whether they are an adult or a peer"]
    assert errors["age_estimate"] == ["Give a date of birth or an approximate age, not both"]
    assert not PersonOfConcern.objects.exists() and not Record.objects.exists()


def test_a_field_that_does_not_exist_is_refused(alice):
    with pytest.raises(DomainError) as excinfo:
        services.record_create(actor=alice, kind="phone", data={"number": "07700900123", "x": 1})
    assert errors_of(excinfo) == {"x": ["This cannot be set"]}


def test_a_location_is_placed_by_its_postcode_and_keeps_the_postcode_without_spaces(alice):
    hotel = location(alice, postcode="ss14 9za")
    assert hotel.postcode == "SS149ZA" and hotel.postcode_display == "SS14 9ZA"
    assert hotel.area.code == "basildon" and hotel.area.quadrant.code == "south"
    assert hotel.placed_by_hand is False
    assert Record.objects.get(pk=hotel.pk).area_id == hotel.area_id


def test_a_location_without_a_postcode_can_be_placed_by_hand_or_left_unplaced(alice):
    park = location(
        alice, kind="park", name="Gullwing Park", line1="", postcode="", latitude="51.5761",
        longitude="0.4887", area=Area.objects.get(code="castle-point"),
    )  # fmt: skip
    assert park.area.code == "castle-point" and park.placed_by_hand is True
    assert park.latitude == Decimal("51.576100")
    nowhere = location(alice, kind="park", name="Nowhere Common", line1="", postcode="")
    assert nowhere.area is None


def test_a_location_must_say_where_it_is_and_its_point_must_be_in_great_britain(alice):
    with pytest.raises(DomainError) as excinfo:
        location(alice, kind="", name="", line1="", postcode="ZZZ")
    errors = errors_of(excinfo)
    assert errors["kind"] == ["Choose what kind of place it is"]
    assert errors["postcode"] == ["Enter a real postcode, like CM1 1AA"]
    with pytest.raises(DomainError) as excinfo:
        location(alice, latitude="0.4887", longitude="51.5761")
    assert "between" in errors_of(excinfo)["latitude"][0]
    with pytest.raises(DomainError) as excinfo:
        location(alice, latitude="51.5", longitude="")
    assert errors_of(excinfo)["longitude"] == [
        "Give both the latitude and the longitude, or neither"
    ]
    with pytest.raises(DomainError) as excinfo:
        location(alice, latitude="north", longitude="0.1")
    assert "is a number" in errors_of(excinfo)["latitude"][0]


def test_the_same_place_is_not_recorded_twice(alice, bob):
    first = location(alice)
    with pytest.raises(DuplicateRecord) as excinfo:
        location(bob, line1=" 1  moonpenny lane ", postcode="ss149za", name="Another name")
    assert excinfo.value.existing.pk == first.pk
    assert Location.objects.count() == 1


def test_a_registration_is_stored_as_letters_and_digits_and_recorded_once(alice, bob):
    car = vehicle(alice, registration="zz19-fke")
    assert car.registration == "ZZ19FKE" and car.registration_display == "ZZ19 FKE"
    assert Record.objects.get(pk=car.pk).label == "ZZ19 FKE, silver Ford Focus"
    with pytest.raises(DuplicateRecord) as excinfo:
        vehicle(bob, registration="ZZ 19 FKE", colour="Blue")
    assert excinfo.value.errors == {
        "registration": ["A vehicle with the registration ZZ19 FKE is already recorded"]
    }
    assert excinfo.value.existing.pk == car.pk
    # Part of a plate seen twice is two sightings, not a duplicate.
    vehicle(alice, registration="ZZ19", partial=True)
    vehicle(bob, registration="ZZ19", partial=True)
    assert Vehicle.objects.count() == 3


def test_a_registration_must_be_letters_and_digits_of_a_plausible_length(alice):
    with pytest.raises(DomainError) as excinfo:
        vehicle(alice, registration="--")
    assert errors_of(excinfo) == {"registration": ["Enter the registration"]}
    with pytest.raises(DomainError) as excinfo:
        vehicle(alice, registration="ZZ19 FKE ABCDE")
    assert "8 letters and numbers or fewer" in errors_of(excinfo)["registration"][0]


@pytest.mark.parametrize(
    "typed", ["07700 900123", "+44 7700 900123", "0044 (0)7700-900-123", "07700.900.123"]
)
def test_a_phone_number_is_recorded_once_in_one_uk_form_however_it_is_typed(alice, typed):
    phone(alice)
    with pytest.raises(DuplicateRecord) as excinfo:
        phone(alice, number=typed)
    assert excinfo.value.errors == {"number": ["The phone number 07700 900123 is already recorded"]}
    assert Phone.objects.get().number == "07700900123"


def test_an_international_number_keeps_its_country_code_and_nonsense_is_refused(alice):
    assert phone(alice, number="+33 6 12 34 56 78").number == "+33612345678"
    with pytest.raises(DomainError) as excinfo:
        phone(alice, number="12345")
    assert "Enter a UK phone number" in errors_of(excinfo)["number"][0]


def test_an_account_is_recorded_once_per_platform_whatever_the_case_or_at(alice):
    first = account(alice, handle="@Fictional_Kipper")
    assert first.handle_key == "fictional_kipper"
    assert Record.objects.get(pk=first.pk).label == "Snapchat @Fictional_Kipper"
    with pytest.raises(DuplicateRecord):
        account(alice, handle="fictional_KIPPER")
    account(alice, platform="instagram", handle="fictional_kipper")
    with pytest.raises(DomainError) as excinfo:
        account(alice, platform="other", handle="someone")
    assert errors_of(excinfo) == {"platform_name": ["Enter the name of the platform"]}
    other = account(alice, platform="other", platform_name="Fablechat", handle="someone")
    assert other.platform_display == "Fablechat"


def test_a_change_saves_a_new_version_and_keeps_the_label_in_step(alice, bob):
    car = vehicle(alice)
    saved = services.record_update(actor=bob, record=car, version=1, changes={"colour": "Red"})
    assert saved.version == 2
    assert Record.objects.get(pk=car.pk).label == "ZZ19 FKE, red Ford Focus"
    assert saved.history.first().history_user == bob


def test_a_change_from_an_old_version_is_refused_and_writes_nothing(alice, bob):
    car = vehicle(alice)
    services.record_update(actor=bob, record=car, version=1, changes={"colour": "Red"})
    with pytest.raises(ConflictError) as excinfo:
        services.record_update(actor=alice, record=car, version=1, changes={"colour": "Blue"})
    assert excinfo.value.current.colour == "Red"
    assert Vehicle.objects.get().colour == "Red"


def test_changing_a_registration_to_one_already_recorded_is_refused(alice):
    vehicle(alice)
    other = vehicle(alice, registration="ZZ21 QXV")
    with pytest.raises(DuplicateRecord):
        services.record_update(
            actor=alice, record=other, version=1, changes={"registration": "zz19fke"}
        )


def test_a_location_placed_by_hand_stays_there_until_its_postcode_changes(alice):
    hotel = location(alice, area=Area.objects.get(code="thurrock"))
    assert hotel.area.code == "thurrock" and hotel.placed_by_hand
    hotel = services.record_update(
        actor=alice, record=hotel, version=1, changes={"name": "The Wakeful Kipper"}
    )
    assert hotel.area.code == "thurrock"
    hotel = services.record_update(
        actor=alice, record=hotel, version=2, changes={"postcode": "CO1 9ZB"}
    )
    assert hotel.area.code == "colchester" and not hotel.placed_by_hand


def test_an_estimate_of_age_is_dated_when_it_changes(alice):
    mordecai = person(alice)
    mordecai.age_estimated_on = today() - dt.timedelta(days=400)
    PersonOfConcern.objects.filter(pk=mordecai.pk).update(
        age_estimated_on=mordecai.age_estimated_on
    )
    saved = services.record_update(
        actor=alice, record=mordecai, version=1, changes={"age_estimate": 35}
    )
    assert saved.age_estimated_on == today()


# --- who may record and change ---------------------------------------------------------------


def test_roles_without_intelligence_cannot_record_anything(board, admin_user, nurse):
    for user in (board, admin_user, nurse):
        with pytest.raises(Refused):
            vehicle(user)
    assert not Vehicle.objects.exists()


def test_an_analyst_reads_but_records_and_changes_nothing(alice, analyst):
    with pytest.raises(Refused):
        vehicle(analyst)
    car = vehicle(alice)
    with pytest.raises(Refused):
        services.record_update(actor=analyst, record=car, version=1, changes={"colour": "Red"})


def test_a_district_officer_records_places_people_and_vehicles_in_their_district_only(district):
    hotel = location(district)
    assert hotel.area.code == "basildon"
    with pytest.raises(DomainError) as excinfo:
        location(district, postcode="CO1 9ZB", line1="2 Elsewhere Row")
    assert errors_of(excinfo) == {"postcode": ["You can only record locations in Basildon"]}
    with pytest.raises(DomainError) as excinfo:
        person(district)  # no area: not (yet) in their district
    assert errors_of(excinfo) == {"area": ["You can only record persons of concern in Basildon"]}
    person(district, area=Area.objects.get(code="basildon"))
    with pytest.raises(DomainError) as excinfo:
        person(district, category="peer", age_estimate=15, area=Area.objects.get(code="basildon"))
    assert "Peers are under 18" in errors_of(excinfo)["category"][0]
    with pytest.raises(Refused):
        phone(district)


def test_a_district_officer_cannot_move_a_record_out_of_their_district(district, alice):
    hotel = location(district)
    with pytest.raises(DomainError):
        services.record_update(
            actor=district, record=hotel, version=1, changes={"postcode": "CO1 9ZB"}
        )
    elsewhere = location(alice, postcode="CO1 9ZB")
    with pytest.raises(Refused):
        services.record_update(
            actor=district, record=elsewhere, version=1, changes={"name": "Renamed"}
        )
