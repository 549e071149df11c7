"""Changing a child's details and an address from the child's page: the allowed user, anonymous,
the outsider (404 and a refused access event), bad input (error summary, values kept, nothing
written). Two people editing at once is in tests/people/test_concurrent_edits.py."""

from __future__ import annotations

from django.urls import reverse

from mace.access.choices import AccessAction
from mace.people.choices import EntryKind
from mace.people.models import Child, ChildAddress, ChronologyEntry
from mace.people.services import child_address_add
from tests.pages import (
    allowed_events,
    assert_error_summary,
    assert_sign_in_redirect,
    date_parts,
    refused_events,
    today,
)


def edit_url(child) -> str:  # type: ignore[no-untyped-def]
    return reverse("people:child_edit", args=[child.pk])


def details(child, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "forename": child.forename,
        "surname": child.surname,
        "other_names": child.other_names,
        "sex": child.sex,
        "gender": child.gender,
        "ethnicity": child.ethnicity,
        "upn_unknown": child.upn_unknown,
        "version": str(child.version),
        **date_parts("dob", child.dob),
    }
    data.update(changes)
    return data


def test_anonymous_is_sent_to_sign_in(client, child):
    assert_sign_in_redirect(client.get(edit_url(child)))


def test_the_childs_page_links_to_change_details_for_those_who_may(client, alice, child):
    client.force_login(alice)
    html = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert edit_url(child) in html and "Change details" in html


def test_an_outsider_gets_404_and_the_refusal_is_logged(client, outsiders, child):
    for outsider in outsiders:
        client.force_login(outsider)
        assert client.get(edit_url(child)).status_code == 404
        response = client.post(edit_url(child), details(child, surname="Intruder"))
        assert response.status_code == 404
        assert refused_events(outsider, child) == 2
    assert Child.objects.get(pk=child.pk).surname == child.surname


def test_the_form_shows_the_details_and_the_version_and_the_read_is_logged(client, alice, child):
    client.force_login(alice)
    response = client.get(edit_url(child))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{child.forename}"' in html and f'value="{child.dob.year}"' in html
    assert '<input type="hidden" name="version" value="1"' in html
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_a_change_is_saved_with_a_note_on_the_chronology_and_its_history(client, alice, child):
    client.force_login(alice)
    response = client.post(edit_url(child), details(child, surname="Renamed", ethnicity="WBRI"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])
    child.refresh_from_db()
    assert (child.surname, child.ethnicity, child.version) == ("Renamed", "WBRI", 2)
    note = ChronologyEntry.objects.get(child=child, kind=EntryKind.NOTE)
    assert note.title.endswith("last name, ethnicity") and note.author == alice
    previous = child.history.all()[1]
    assert previous.surname != "Renamed"  # the old value is kept
    assert allowed_events(alice, child, AccessAction.CHANGE) == 1


def test_bad_input_shows_the_errors_keeps_what_was_typed_and_writes_nothing(client, alice, child):
    client.force_login(alice)
    bad = details(
        child,
        forename="",
        other_names="Kept",
        **date_parts("dob", today().replace(year=today().year + 1)),
    )
    response = client.post(edit_url(child), bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "forename", "dob-day")
    assert 'value="Kept"' in html
    fresh = Child.objects.get(pk=child.pk)
    assert fresh.version == 1 and fresh.forename == child.forename
    assert not ChronologyEntry.objects.filter(child=child, kind=EntryKind.NOTE).exists()


def test_a_save_without_a_version_is_refused(client, alice, child):
    client.force_login(alice)
    data = details(child, surname="Unversioned")
    del data["version"]
    response = client.post(edit_url(child), data)
    assert response.status_code == 200
    assert "Reload the page and make your change again" in response.content.decode()
    assert Child.objects.get(pk=child.pk).surname == child.surname


def test_saving_with_nothing_changed_writes_nothing(client, alice, child):
    client.force_login(alice)
    assert client.post(edit_url(child), details(child)).status_code == 302
    assert Child.objects.get(pk=child.pk).version == 1
    assert child.history.count() == 1


def address_for(alice, child, **kwargs) -> ChildAddress:  # type: ignore[no-untyped-def]
    return child_address_add(
        actor=alice,
        child=child,
        line1=kwargs.get("line1", "8 Fiction Way"),
        postcode=kwargs.get("postcode", "CM1 1ZZ"),
        start_date=kwargs.get("start_date", today().replace(year=today().year - 1)),
    )


def test_the_current_address_has_change_and_end_links(client, alice, child):
    address = address_for(alice, child)
    client.force_login(alice)
    html = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert reverse("people:address_edit", args=[child.pk, address.pk]) in html
    assert reverse("people:address_end", args=[child.pk, address.pk]) in html


def test_an_address_is_changed_and_placed_again_by_its_new_postcode(client, alice, child):
    address = address_for(alice, child)
    url = reverse("people:address_edit", args=[child.pk, address.pk])
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert 'value="8 Fiction Way"' in page and 'value="CM1 1ZZ"' in page
    response = client.post(
        url,
        {
            "line1": "8 Fiction Way",
            "postcode": "SS14 1ZZ",
            "version": "1",
            **date_parts("start_date", address.start_date),
            **date_parts("end_date", None),
        },
    )
    assert response.status_code == 302
    address.refresh_from_db()
    child.refresh_from_db()
    assert address.area.name == "Basildon" and address.version == 2  # type: ignore[union-attr]
    assert child.area == address.area


def test_a_bad_address_change_shows_the_errors_and_writes_nothing(client, alice, child):
    address = address_for(alice, child)
    url = reverse("people:address_edit", args=[child.pk, address.pk])
    client.force_login(alice)
    response = client.post(
        url,
        {
            "line1": "",
            "postcode": "NOT A POSTCODE",
            "version": "1",
            **date_parts("start_date", address.start_date),
            **date_parts("end_date", address.start_date.replace(year=address.start_date.year - 1)),
        },
    )
    assert response.status_code == 200
    assert_error_summary(response.content.decode(), "line1", "postcode", "end_date-day")
    assert ChildAddress.objects.get(pk=address.pk).version == 1


def test_an_address_is_ended(client, alice, child):
    address = address_for(alice, child)
    url = reverse("people:address_end", args=[child.pk, address.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 200
    empty = client.post(url, {"version": "1", **date_parts("end_date", None)})
    assert_error_summary(empty.content.decode(), "end_date-day")
    before_start = address.start_date.replace(year=address.start_date.year - 1)
    early = client.post(url, {"version": "1", **date_parts("end_date", before_start)})
    assert "must be the same as or after the start date" in early.content.decode()
    assert client.post(url, {"version": "1", **date_parts("end_date", today())}).status_code == 302
    address.refresh_from_db()
    assert address.end_date == today() and address.version == 2


def test_an_outsider_cannot_open_or_change_an_address(client, bob, alice, child):
    address = address_for(alice, child)
    client.force_login(bob)
    for name in ("people:address_edit", "people:address_end", "people:address_place"):
        url = reverse(name, args=[child.pk, address.pk])
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"version": "1", **date_parts("end_date", today())}).status_code == 404
        )
    assert ChildAddress.objects.get(pk=address.pk).version == 1
    assert refused_events(bob, child) == 6


def test_an_address_of_another_child_is_404(client, alice, child, csc):
    from tests.factories import ChildFactory

    other = ChildFactory(involved=[csc])
    address = address_for(alice, other)
    client.force_login(alice)
    assert (
        client.get(reverse("people:address_edit", args=[child.pk, address.pk])).status_code == 404
    )


def test_choosing_place_by_the_postcode_undoes_a_placement_by_hand(client, alice, child):
    from mace.people.services import child_address_place
    from mace.reference.models import Area

    address = address_for(alice, child, postcode="CM1 1ZZ")
    harlow = Area.objects.get(name="Harlow")
    child_address_place(actor=alice, address=address, area=harlow, version=1)
    url = reverse("people:address_edit", args=[child.pk, address.pk])
    client.force_login(alice)
    assert f'<option value="{harlow.pk}" selected>' in client.get(url).content.decode()
    body = {
        "line1": address.line1,
        "postcode": "CM1 1ZZ",
        "area": "",
        "version": "2",
        **date_parts("start_date", address.start_date),
        **date_parts("end_date", None),
    }
    assert client.post(url, body).status_code == 302
    address.refresh_from_db()
    assert address.area.name == "Chelmsford" and not address.placed_by_hand  # type: ignore[union-attr]
