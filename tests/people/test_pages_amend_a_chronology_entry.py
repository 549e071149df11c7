from __future__ import annotations

import pytest
from django.urls import reverse

from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from mace.people.services import chronology_add
from tests.factories import UserFactory
from tests.pages import assert_error_summary, assert_sign_in_redirect, refused_events


@pytest.fixture
def entry(alice, child):
    return chronology_add(
        actor=alice, child=child, kind=EntryKind.NOTE, title="Fictional visit", body="Went to Y"
    )


def url(child, entry):  # type: ignore[no-untyped-def]
    return reverse("people:entry_amend", args=[child.pk, entry.pk])


def test_anonymous_is_sent_to_sign_in(client, child, entry):
    assert_sign_in_redirect(client.get(url(child, entry)))


def test_the_form_shows_the_original(client, alice, child, entry):
    client.force_login(alice)
    response = client.get(url(child, entry))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fictional visit" in html and "Went to Y" in html


def test_an_amendment_is_added_and_the_original_kept(client, alice, child, entry):
    client.force_login(alice)
    response = client.post(url(child, entry), {"body": "Went to Z", "reason": "Wrong town"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.body == "Went to Y"
    amendment = ChronologyEntry.objects.get(amends=entry)
    assert amendment.body == "Went to Z"
    page = client.get(response["Location"]).content.decode()
    assert "Went to Y" in page and "Went to Z" in page


def test_bad_input_shows_the_errors_keeps_values_and_writes_nothing(client, alice, child, entry):
    client.force_login(alice)
    response = client.post(url(child, entry), {"body": "Went to Z", "reason": " "})
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "reason")
    assert "Went to Z</textarea>" in html
    assert ChronologyEntry.objects.count() == 1


def test_another_agency_involved_with_the_child_cannot_amend(client, child, entry, police):
    from mace.accounts.choices import Role
    from mace.people.services import involvement_ensure

    officer = UserFactory(agency=police, roles=[Role.PRACTITIONER])
    involvement_ensure(actor=officer, child=child, agency=police, reason="allocated")
    client.force_login(officer)
    assert client.get(url(child, entry)).status_code == 403
    assert client.post(url(child, entry), {"body": "X", "reason": "Y"}).status_code == 403
    assert ChronologyEntry.objects.count() == 1


def test_the_outsider_gets_404_and_a_refused_event(client, bob, child, entry):
    client.force_login(bob)
    assert client.get(url(child, entry)).status_code == 404
    assert refused_events(bob, child) == 1
