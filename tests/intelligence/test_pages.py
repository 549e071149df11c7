"""The intelligence pages: lists and search, a record's page with its graded links, creating
and changing records (with the duplicate offered and concurrent edits refused), for the allowed
user, anonymous visitors, outsiders (404 and a refused access event) and bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mace.access.choices import AccessAction, AccessOutcome
from mace.access.models import AccessEvent
from mace.intelligence.models import Link, Record, Vehicle
from mace.reference.models import Area
from tests.intelligence import link, location, person, phone, vehicle, words
from tests.pages import assert_error_summary, assert_sign_in_redirect


def _events(user, record, outcome):  # type: ignore[no-untyped-def]
    return AccessEvent.objects.filter(
        user=user, object_id=str(record.pk), outcome=outcome, child=None
    ).count()


# --- lists and search ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, alice):
    car = vehicle(alice)
    for url in (
        reverse("intelligence:index"),
        reverse("intelligence:vehicle_list"),
        reverse("intelligence:vehicle_detail", args=[car.pk]),
        reverse("intelligence:vehicle_create"),
    ):
        assert_sign_in_redirect(client.get(url))


def test_the_start_page_counts_each_kind_and_finds_across_them(client, alice):
    vehicle(alice)
    person(alice)
    client.force_login(alice)
    html = client.get(reverse("intelligence:index")).content.decode()
    assert "Vehicles</a> (1)" in html and "Persons of concern</a> (1)" in html
    html = client.get(reverse("intelligence:index"), {"q": "zz19fke"}).content.decode()
    assert "ZZ19 FKE, silver Ford Focus" in html and "Mordecai" not in html
    html = client.get(reverse("intelligence:index"), {"q": "blackwhistle"}).content.decode()
    assert "Mordecai Blackwhistle" in html


def test_roles_without_intelligence_are_refused_the_lists(client, board, admin_user, nurse):
    for user in (board, admin_user, nurse):
        client.force_login(user)
        assert client.get(reverse("intelligence:index")).status_code == 403
        assert client.get(reverse("intelligence:person_list")).status_code == 403


def test_a_list_searches_by_key_however_it_is_typed(client, alice):
    vehicle(alice)
    vehicle(alice, registration="ZZ21 QXV", make="Vauxhall", model="Corsa", colour="Blue")
    client.force_login(alice)
    html = client.get(reverse("intelligence:vehicle_list"), {"q": "zz21-qxv"}).content.decode()
    assert "ZZ21 QXV" in html and "ZZ19 FKE" not in html
    html = client.get(reverse("intelligence:vehicle_list"), {"q": "silver"}).content.decode()
    assert "ZZ19 FKE" in html and "ZZ21 QXV" not in html


def test_a_list_is_paginated(client, alice):
    for n in range(30):
        phone(alice, number=f"07700 900{n:03d}")
    client.force_login(alice)
    first = client.get(reverse("intelligence:phone_list")).content.decode()
    assert "30 phone numbers" in first and "Page 1 of 2" in first
    assert first.count('class="govuk-table__row"') == 26  # the header and 25
    second = client.get(reverse("intelligence:phone_list"), {"page": 2}).content.decode()
    assert second.count('class="govuk-table__row"') == 6


def test_a_district_officer_lists_only_their_district(client, alice, district):
    location(alice)  # Basildon
    location(alice, name="The Far Kipper", line1="3 Far Lane", postcode="CO1 9ZB")
    person(alice, area=Area.objects.get(code="basildon"))
    person(alice, name="Kip Fictional", category="peer", age_estimate=15,
           area=Area.objects.get(code="basildon"))  # fmt: skip
    client.force_login(district)
    html = client.get(reverse("intelligence:location_list")).content.decode()
    assert "The Sleepy Kipper Hotel" in html and "The Far Kipper" not in html
    html = client.get(reverse("intelligence:person_list")).content.decode()
    assert "Mordecai" in html and "Kip Fictional" not in html
    assert client.get(reverse("intelligence:phone_list")).status_code == 403


# --- a record's page --------------------------------------------------------------------------


def test_a_record_page_shows_its_details_and_links_graded_in_words(client, alice, child):
    mordecai = person(alice)
    car = vehicle(alice)
    link(alice, car, subject=mordecai, relationship="uses", days_ago=1)
    link(alice, mordecai, child=child, source_evaluation="3", intelligence_assessment="C",
         source_kind="public", days_ago=5)  # fmt: skip
    link(alice, mordecai, child=child, source_evaluation="", intelligence_assessment="",
         relationship="contacted_by", days_ago=9)  # fmt: skip
    client.force_login(alice)
    response = client.get(reverse("intelligence:person_detail", args=[mordecai.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    text = words(html)
    assert "Mordecai Blackwhistle" in html and "About 30" in html
    # Newest first; only the established link reads as a fact.
    uses = text.index("Established This person uses ZZ19 FKE")
    reported = text.index(
        "Reported, not corroborated: Zephyrine Testington was seen with this person."
    )
    ungraded = text.index("Not graded yet: Zephyrine Testington was contacted by this person.")
    assert uses < reported < ungraded
    assert "Zephyrine Testington</a> was seen with this person" in html
    assert "The source is not reliable; the source knew it indirectly" in html
    assert "Not graded yet: treat as unconfirmed" in html
    assert _events(alice, mordecai, AccessOutcome.ALLOWED) == 1
    # The child named on the page is logged as seen in a list.
    assert (
        AccessEvent.objects.filter(user=alice, child=child, action=AccessAction.LIST).count() == 1
    )


def test_a_child_the_reader_may_not_see_is_not_named(client, alice, bob, child):
    mordecai = person(alice)
    link(alice, mordecai, child=child)
    client.force_login(bob)
    html = client.get(reverse("intelligence:person_detail", args=[mordecai.pk])).content.decode()
    assert "Zephyrine" not in html
    assert "Established A child you cannot see was seen with this person." in words(html)
    assert "Ask Essex Children and Families (social care) about the child" in html
    assert reverse("people:detail", args=[child.pk]) not in html


def test_an_analyst_reads_records_but_never_a_childs_name(client, alice, analyst, child):
    mordecai = person(alice)
    link(alice, mordecai, child=child)
    client.force_login(analyst)
    html = client.get(reverse("intelligence:person_detail", args=[mordecai.pk])).content.decode()
    assert "Zephyrine" not in html and "A child you cannot see" in html
    assert "Add a link" not in html and "Change details" not in html


def test_a_district_officer_sees_only_how_many_children_a_record_is_linked_to(
    client, alice, district, child
):
    hotel = location(alice)
    link(alice, hotel, child=child, relationship="found_at")
    mordecai = person(alice, area=hotel.area)
    link(alice, hotel, subject=mordecai, relationship="goes_to")
    number = phone(alice)
    link(alice, number, subject=mordecai, relationship="uses")
    client.force_login(district)
    html = client.get(reverse("intelligence:location_detail", args=[hotel.pk])).content.decode()
    assert "Linked to 1 child. Children's details are not shown to your role." in html
    assert "Zephyrine" not in html and "child you cannot see" not in html
    assert "Mordecai Blackwhistle" in html
    html = client.get(reverse("intelligence:person_detail", args=[mordecai.pk])).content.decode()
    assert "Established This person uses a phone number you cannot see." in words(html)
    assert "07700" not in html


def test_outsiders_get_404_and_a_refused_event(client, alice, district, board, colchester):
    far = location(alice, name="The Far Kipper", line1="3 Far Lane", postcode="CO1 9ZB")
    for user in (district, board):
        client.force_login(user)
        response = client.get(reverse("intelligence:location_detail", args=[far.pk]))
        assert response.status_code == 404
        assert "Far Kipper" not in response.content.decode()
        assert _events(user, far, AccessOutcome.REFUSED) == 1
    client.force_login(colchester)
    assert client.get(reverse("intelligence:location_detail", args=[far.pk])).status_code == 200


def test_a_record_that_does_not_exist_is_404_and_the_look_is_logged(client, alice):
    client.force_login(alice)
    assert client.get(reverse("intelligence:vehicle_detail", args=[99999])).status_code == 404
    event = AccessEvent.objects.get(user=alice, outcome=AccessOutcome.REFUSED)
    assert event.object_type == "intelligence.vehicle" and event.detail == "No vehicle 99999"


def test_a_record_of_another_kind_is_not_found_under_this_kind(client, alice):
    car = vehicle(alice)
    client.force_login(alice)
    assert client.get(reverse("intelligence:person_detail", args=[car.pk])).status_code == 404


# Both bounds are the same: the page must not grow a query per link.
# 10: session, user, second factor, roles, agency, the record, its read logged, the links,
# which children the reader may see, and those children logged as listed; 14 with each of the two
# log writes locking the access log's head and moving it on (the hash chain); 15 with the
# disruption on the record (its "Disruption" section, mace/disruption/templatetags).
RECORD_PAGE_QUERIES = 15


@pytest.mark.parametrize("links", [2, 40])
def test_a_record_page_runs_a_fixed_number_of_queries_however_many_links(
    client, alice, child, links, django_assert_max_num_queries
):
    mordecai = person(alice)
    for n in range(links):
        other = phone(alice, number=f"07700 900{n:03d}") if n % 2 else None
        if other is not None:
            link(alice, other, subject=mordecai, relationship="uses", days_ago=n)
        else:
            link(alice, mordecai, child=child, days_ago=n)
    client.force_login(alice)
    with django_assert_max_num_queries(RECORD_PAGE_QUERIES):
        response = client.get(reverse("intelligence:person_detail", args=[mordecai.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("mace-link-details") == links


# --- creating and changing ---------------------------------------------------------------------


def test_a_vehicle_is_created_from_its_form(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("intelligence:vehicle_create"),
        {"registration": "zz19 fke", "make": "Ford", "colour": "Silver", "area": ""},
    )
    car = Vehicle.objects.get()
    assert response.status_code == 302 and response["Location"] == car.get_absolute_url()
    assert car.registration == "ZZ19FKE"


def test_bad_input_shows_the_error_summary_keeps_what_was_typed_and_writes_nothing(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("intelligence:location_create"),
        {"kind": "hotel", "name": "Kipper Inn", "postcode": "not a postcode", "latitude": "51.5"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "postcode", "longitude")
    assert 'value="Kipper Inn"' in html and 'value="not a postcode"' in html
    assert not Record.objects.exists()


def test_a_duplicate_is_refused_and_the_record_already_there_is_offered(client, alice, bob):
    car = vehicle(alice)
    client.force_login(bob)
    response = client.post(reverse("intelligence:vehicle_create"), {"registration": "ZZ19FKE"})
    html = response.content.decode()
    assert_error_summary(html, "registration")
    assert "It is already recorded" in html and car.get_absolute_url() in html
    assert Vehicle.objects.count() == 1


def test_a_duplicate_outside_a_district_officers_sight_says_who_recorded_it(
    client, alice, district
):
    location(alice, area=Area.objects.get(code="thurrock"))  # placed by hand outside Basildon
    client.force_login(district)
    response = client.post(
        reverse("intelligence:location_create"),
        {"kind": "hotel", "line1": "1 Moonpenny Lane", "postcode": "SS14 9ZA"},
    )
    html = response.content.decode()
    assert "not where your role can see it" in html and "Essex Children and Families" in html


def test_the_create_page_is_refused_to_a_role_that_cannot_create(client, analyst, district):
    client.force_login(analyst)
    assert client.get(reverse("intelligence:person_create")).status_code == 403
    client.force_login(district)
    assert client.get(reverse("intelligence:phone_create")).status_code == 403
    assert client.get(reverse("intelligence:person_create")).status_code == 200


def test_a_change_from_an_out_of_date_page_shows_both_versions(client, alice, bob):
    car = vehicle(alice)
    client.force_login(bob)
    url = reverse("intelligence:vehicle_edit", args=[car.pk])
    form = client.get(url).content.decode()
    assert 'value="ZZ19 FKE"' in form and 'name="version" value="1"' in form
    client.force_login(alice)
    client.post(url, {"registration": "ZZ19 FKE", "colour": "Red", "version": "1"})
    client.force_login(bob)
    response = client.post(url, {"registration": "ZZ19 FKE", "colour": "Blue", "version": "1"})
    html = response.content.decode()
    assert "Someone else changed this record while you were editing" in html
    assert "Blue" in html and "Red" in html
    assert Vehicle.objects.get().colour == "Red"
    response = client.post(url, {"registration": "ZZ19 FKE", "colour": "Blue", "version": "2"})
    assert response.status_code == 302 and Vehicle.objects.get().colour == "Blue"


def test_the_edit_page_is_404_to_outsiders_and_403_to_readers(client, alice, analyst, board):
    car = vehicle(alice)
    url = reverse("intelligence:vehicle_edit", args=[car.pk])
    client.force_login(board)
    assert client.get(url).status_code == 404
    client.force_login(analyst)
    assert client.get(url).status_code == 403


def test_no_link_is_written_by_a_refused_page(client, board, alice, child):
    mordecai = person(alice)
    client.force_login(board)
    url = reverse("intelligence:person_link_add", args=[mordecai.pk])
    assert client.post(url + f"?to=child:{child.pk}", {}).status_code == 404
    assert not Link.objects.exists()
