from __future__ import annotations

import pytest
from django.urls import reverse

from mace.people.models import Child, ChronologyEntry
from tests.pages import assert_error_summary, assert_sign_in_redirect, date_parts, today

URL = "people:create"


def test_anonymous_is_sent_to_sign_in(client, db):
    assert_sign_in_redirect(client.get(reverse(URL)))


def test_the_form_offers_the_code_lists(client, alice):
    client.force_login(alice)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="forename"' in html and 'id="dob-day"' in html
    assert 'name="sex" type="radio" value="F"' in html
    assert "<legend" in html and "Date of birth" in html


def test_a_good_record_is_created_and_opens_the_childs_page(client, alice):
    client.force_login(alice)
    dob = today().replace(year=today().year - 13)
    response = client.post(
        reverse(URL),
        {"forename": "Quillon", "surname": "Makebelieve", "sex": "M", **date_parts("dob", dob)},
    )
    child = Child.objects.get(surname="Makebelieve")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])
    assert child.dob == dob and child.sex == "M"
    page = client.get(response["Location"]).content.decode()
    assert "Record created for Quillon Makebelieve" in page


def test_bad_input_shows_the_errors_keeps_what_was_typed_and_writes_nothing(client, alice):
    client.force_login(alice)
    before = Child.objects.count(), ChronologyEntry.objects.count()
    response = client.post(
        reverse(URL),
        {
            "forename": "",
            "surname": "Makebelieve",
            "other_names": "Quill",
            "ethnicity": "WBRI",
            **date_parts("dob", today().replace(year=today().year + 1)),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "forename", "dob-day")
    assert "Enter the child&#x27;s first name" in html
    assert 'value="Makebelieve"' in html and 'value="Quill"' in html
    assert f'value="{today().year + 1}"' in html
    assert 'aria-describedby="forename-error"' in html
    assert (Child.objects.count(), ChronologyEntry.objects.count()) == before


def test_an_impossible_date_is_refused_by_the_form(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse(URL),
        {"forename": "A", "surname": "B", "dob-day": "31", "dob-month": "2", "dob-year": "2015"},
    )
    html = response.content.decode()
    assert "Date of birth must be a real date" in html
    assert 'value="31"' in html
    assert not Child.objects.exists()


@pytest.mark.parametrize("persona", ["district", "board", "admin_user"])
def test_roles_without_case_content_cannot_create_a_child(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"forename": "A", "surname": "B"}).status_code == 403
    assert not Child.objects.exists()
