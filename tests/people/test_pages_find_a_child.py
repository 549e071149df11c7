from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mace.access.choices import AccessAction, AccessOutcome
from mace.access.models import AccessEvent
from mace.people.identifiers import nhs_number_with_check
from mace.people.models import ChildIdentifier
from tests.pages import assert_sign_in_redirect
from tests.people.chronology import build_chronology

# A fictional NHS number that passes the modulus-11 check.
NHS_NUMBER = nhs_number_with_check("999000111")


@pytest.fixture
def with_nhs_number(child):
    ChildIdentifier.objects.create(child=child, type="nhs", value=NHS_NUMBER)
    return child


def search(client, q, dob=None):  # type: ignore[no-untyped-def]
    data = {"q": q}
    if dob is not None:
        data |= {"dob-day": dob.day, "dob-month": dob.month, "dob-year": dob.year}
    return client.get(reverse("people:search"), data)


def test_anonymous_is_sent_to_sign_in(client, db):
    assert_sign_in_redirect(client.get(reverse("people:search")))


def test_the_empty_search_page_shows_the_form(client, alice):
    client.force_login(alice)
    response = client.get(reverse("people:search"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="govuk-label govuk-label--l" for="q">' in html
    assert 'aria-describedby="q-hint"' in html


def test_a_name_finds_a_visible_child_and_the_listing_is_logged(client, alice, child):
    client.force_login(alice)
    response = search(client, "zephyrine testington")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("people:detail", args=[child.pk]) in html
    assert child.reference in html
    assert "Create a new record for a child" in html
    assert AccessEvent.objects.filter(user=alice, child=child, action=AccessAction.LIST).exists()


def test_a_date_of_birth_finds_the_child(client, alice, child):
    client.force_login(alice)
    html = search(client, child.dob.strftime("%d/%m/%Y")).content.decode()
    assert reverse("people:detail", args=[child.pk]) in html


def test_the_typed_search_is_kept_in_the_box(client, alice, child):
    client.force_login(alice)
    html = search(client, "Zephyrine").content.decode()
    assert 'value="Zephyrine"' in html


def test_the_outsider_does_not_find_the_child_by_name(client, bob, child):
    client.force_login(bob)
    html = search(client, "Zephyrine").content.decode()
    assert "No children found" in html
    assert reverse("people:detail", args=[child.pk]) not in html
    assert not AccessEvent.objects.filter(user=bob, action=AccessAction.LIST).exists()


def test_an_exact_identifier_of_a_hidden_child_says_a_record_exists_and_whom_to_contact(
    client, bob, with_nhs_number
):
    client.force_login(bob)
    dob = with_nhs_number.dob
    html = search(client, NHS_NUMBER, dob).content.decode()
    assert "A record already exists" in html
    assert "Essex Children and Families (social care)" in html
    assert "Do not create a new record" in html
    assert "Zephyrine" not in html and with_nhs_number.reference not in html
    # The way on to emergency access carries both the identifier and the date of birth.
    assert (
        f"?identifier={NHS_NUMBER}&amp;dob-day={dob.day}&amp;dob-month={dob.month}"
        f"&amp;dob-year={dob.year}"
    ) in html
    assert AccessEvent.objects.filter(
        user=bob, child=with_nhs_number, action=AccessAction.EXISTS, outcome=AccessOutcome.REFUSED
    ).exists()


def _says_nothing(html: str, child) -> None:  # type: ignore[no-untyped-def]
    """The answer an unknown identifier gets: no child, no agency, no way on to break-glass."""
    assert "A record already exists" not in html
    assert "Essex Children and Families" not in html
    assert reverse("people:detail", args=[child.pk]) not in html
    assert "emergency access" not in html
    assert "No children found" in html


def test_an_identifier_without_the_date_of_birth_says_nothing_of_a_hidden_child(
    client, bob, with_nhs_number
):
    client.force_login(bob)
    _says_nothing(search(client, NHS_NUMBER).content.decode(), with_nhs_number)
    # The look is still in the audit, for whoever reviews it.
    assert AccessEvent.objects.filter(
        user=bob, child=with_nhs_number, action=AccessAction.EXISTS, outcome=AccessOutcome.REFUSED
    ).exists()


def test_an_identifier_with_another_date_of_birth_says_nothing(client, bob, with_nhs_number):
    client.force_login(bob)
    wrong = with_nhs_number.dob - dt.timedelta(days=1)
    _says_nothing(search(client, NHS_NUMBER, wrong).content.decode(), with_nhs_number)


def test_a_mace_reference_says_nothing_of_a_hidden_child_even_with_the_date_of_birth(
    client, bob, child
):
    client.force_login(bob)
    for reference in (child.reference, f"MACE-{child.pk}"):
        _says_nothing(search(client, reference, child.dob).content.decode(), child)


def test_a_weak_identifier_says_nothing_even_with_the_date_of_birth(client, bob, child):
    ChildIdentifier.objects.create(child=child, type="yj", value="YJ-FICTIONAL-1")
    client.force_login(bob)
    _says_nothing(search(client, "YJ-FICTIONAL-1", child.dob).content.decode(), child)


def test_a_name_and_date_of_birth_say_nothing_of_a_hidden_child(client, bob, child):
    client.force_login(bob)
    _says_nothing(search(client, "Zephyrine Testington", child.dob).content.decode(), child)


def test_the_mace_reference_still_finds_a_child_the_user_sees(client, alice, child):
    client.force_login(alice)
    html = search(client, child.reference).content.decode()
    assert "Zephyrine" in html and "A record already exists" not in html


@pytest.mark.parametrize("persona", ["district", "board", "admin_user"])
def test_roles_without_case_content_cannot_search(client, request, persona, child):
    client.force_login(request.getfixturevalue(persona))
    assert search(client, "Zephyrine").status_code == 403


# The same bound at both lengths: the search does not grow with what the children have on file.
# 7 with the session's second-factor device (django-otp checks it is still confirmed), 9 with
# the access log's head locked and moved on (the hash chain) for the listed children.
SEARCH_QUERIES = 9


@pytest.mark.parametrize("length", [3, 30])
def test_the_search_runs_a_fixed_number_of_queries(
    client, alice, child, length, django_assert_max_num_queries
):
    build_chronology(actor=alice, child=child, length=length)
    client.force_login(alice)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = search(client, "Zephyrine")
    assert reverse("people:detail", args=[child.pk]) in response.content.decode()
