from __future__ import annotations

from django.urls import reverse

from mace.people.models import ChildAddress
from mace.reference.models import Area
from tests.pages import (
    assert_error_summary,
    assert_sign_in_redirect,
    date_parts,
    refused_events,
    today,
)


def url(child):  # type: ignore[no-untyped-def]
    return reverse("people:address_add", args=[child.pk])


def test_anonymous_is_sent_to_sign_in(client, child):
    assert_sign_in_redirect(client.get(url(child)))


def test_the_form_offers_the_council_areas_to_place_it_by_hand(client, alice, child):
    client.force_login(alice)
    response = client.get(url(child))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Place it by the postcode" in html
    assert "Basildon (South quadrant)" in html or "Basildon (" in html


def test_an_address_with_a_known_postcode_is_placed(client, alice, child):
    client.force_login(alice)
    response = client.post(
        url(child),
        {"line1": "4 Fable Street", "postcode": "CM1 1ZZ", **date_parts("start_date", today())},
    )
    assert response.status_code == 302
    address = ChildAddress.objects.get(child=child)
    assert address.area is not None
    child.refresh_from_db()
    assert child.area == address.area


def test_an_address_can_be_placed_by_hand_when_added(client, alice, child):
    area = Area.objects.get(name="Tendring")
    client.force_login(alice)
    client.post(
        url(child),
        {
            "line1": "5 Legend Road",
            "postcode": "ZE9 9ZZ",
            "area": str(area.pk),
            **date_parts("start_date", today()),
        },
    )
    address = ChildAddress.objects.get(child=child)
    assert address.area == area and address.placed_by_hand


def test_an_unplaced_address_can_be_placed_later(client, alice, child):
    client.force_login(alice)
    client.post(
        url(child),
        {"line1": "6 Myth Avenue", "postcode": "ZE9 9ZZ", **date_parts("start_date", today())},
    )
    address = ChildAddress.objects.get(child=child)
    assert address.area is None
    place = reverse("people:address_place", args=[child.pk, address.pk])
    assert client.get(place).status_code == 200
    empty = client.post(place, {"area": ""})
    assert_error_summary(empty.content.decode(), "area")
    area = Area.objects.get(name="Harlow")
    # The page's hidden version: a placement from an out-of-date page is refused.
    assert client.post(place, {"area": str(area.pk), "version": "1"}).status_code == 302
    address.refresh_from_db()
    child.refresh_from_db()
    assert address.area == area and address.placed_by_hand and child.area == area


def test_bad_input_shows_the_errors_keeps_values_and_writes_nothing(client, alice, child):
    client.force_login(alice)
    response = client.post(
        url(child), {"line1": "", "town": "Nowhereville", "postcode": "NOT A PC"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "line1", "postcode", "start_date-day")
    assert 'value="Nowhereville"' in html and 'value="NOT A PC"' in html
    assert not ChildAddress.objects.exists()


def test_the_outsider_gets_404_and_a_refused_event(client, bob, child):
    client.force_login(bob)
    response = client.post(url(child), {"line1": "7 Tale Way", **date_parts("start_date", today())})
    assert response.status_code == 404
    assert refused_events(bob, child) == 1
    assert not ChildAddress.objects.exists()
