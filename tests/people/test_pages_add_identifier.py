from __future__ import annotations

from django.urls import reverse

from mace.people.identifiers import nhs_number_with_check
from mace.people.models import ChildIdentifier
from tests.pages import assert_error_summary, assert_sign_in_redirect, refused_events

NHS_NUMBER = nhs_number_with_check("999000222")


def url(child):  # type: ignore[no-untyped-def]
    return reverse("people:identifier_add", args=[child.pk])


def test_anonymous_is_sent_to_sign_in(client, child):
    assert_sign_in_redirect(client.get(url(child)))


def test_the_form_is_shown_to_an_involved_practitioner(client, alice, child):
    client.force_login(alice)
    response = client.get(url(child))
    assert response.status_code == 200
    assert "Add an identifier" in response.content.decode()


def test_a_valid_nhs_number_is_added(client, alice, child):
    client.force_login(alice)
    response = client.post(url(child), {"type": "nhs", "value": NHS_NUMBER})
    assert response.status_code == 302
    assert ChildIdentifier.objects.filter(child=child, type="nhs", value=NHS_NUMBER).exists()


def test_an_invalid_nhs_number_says_what_is_wrong_and_writes_nothing(client, alice, child):
    client.force_login(alice)
    response = client.post(url(child), {"type": "nhs", "value": "123 456 7890"})
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "value")
    assert "check digit" in html
    assert 'value="123 456 7890"' in html
    assert 'value="nhs" checked' in html
    assert not ChildIdentifier.objects.exists()


def test_the_outsider_gets_404_and_a_refused_event(client, bob, child):
    client.force_login(bob)
    assert client.get(url(child)).status_code == 404
    assert client.post(url(child), {"type": "nhs", "value": NHS_NUMBER}).status_code == 404
    assert refused_events(bob, child) == 2
    assert not ChildIdentifier.objects.exists()
