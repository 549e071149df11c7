from __future__ import annotations

import pytest
from django.urls import reverse

from mace.access.choices import AccessAction, AccessOutcome
from mace.access.models import AccessEvent
from mace.people.identifiers import nhs_number_with_check
from mace.people.models import ChildIdentifier
from tests.pages import assert_sign_in_redirect
from tests.pages.chronology import build_chronology

# A fictional NHS number that passes the modulus-11 check.
NHS_NUMBER = nhs_number_with_check("999000111")


@pytest.fixture
def with_nhs_number(child):
    ChildIdentifier.objects.create(child=child, type="nhs", value=NHS_NUMBER)
    return child


def search(client, q):  # type: ignore[no-untyped-def]
    return client.get(reverse("people:search"), {"q": q})


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
    html = search(client, NHS_NUMBER).content.decode()
    assert "A record already exists" in html
    assert "Essex Children and Families (social care)" in html
    assert "Do not create a new record" in html
    assert "Zephyrine" not in html and with_nhs_number.reference not in html
    assert AccessEvent.objects.filter(
        user=bob, child=with_nhs_number, action=AccessAction.EXISTS, outcome=AccessOutcome.REFUSED
    ).exists()


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
