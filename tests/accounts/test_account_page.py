"""The user's own account page: who they are to the platform, their two-factor sign-in, and
their API tokens, each of which they can revoke (recorded in the audit)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mace.access.choices import SecurityAction
from mace.accounts.models import ApiToken
from mace.accounts.services import api_token_issue
from tests.accounts import events
from tests.api import bearer
from tests.two_factor import authenticator_for


def test_the_page_shows_the_user_and_their_two_factor_status(client, alice):
    authenticator_for(alice)
    client.force_login(alice)
    html = client.get(reverse("accounts:account")).content.decode()
    assert "Your account" in html
    assert alice.display_name in html and "alice" in html
    assert "Essex Children and Families (social care)" in html
    assert "Practitioner" in html
    assert "On: you sign in with a code from your authenticator app" in html
    assert "Get new recovery codes" in html
    assert "You have no API tokens" in html


def test_the_page_lists_only_the_users_own_tokens(
    client, alice, bob, django_assert_max_num_queries
):
    _, active = api_token_issue(user=alice, name="Fictional case tool")
    _, revoked = api_token_issue(user=alice, name="Old script")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _, expired = api_token_issue(user=alice, name="Expired thing", days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    api_token_issue(user=bob, name="Bob's fictional token")
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("accounts:account")).content.decode()
    for token in (active, revoked, expired):
        assert token.name in html and token.hint in html
    assert "Bob's fictional token" not in html
    assert "Active" in html and "Revoked" in html and "Expired" in html
    assert reverse("accounts:token_revoke", args=[active.pk]) in html
    assert reverse("accounts:token_revoke", args=[revoked.pk]) not in html
    assert active.key_hash not in html


def test_issuing_a_token_is_recorded(alice):
    _, token = api_token_issue(user=alice, name="Fictional case tool")
    issued = events(SecurityAction.TOKEN_ISSUED, user=alice)
    assert len(issued) == 1 and token.hint in issued[0].detail


def test_revoking_asks_first_then_revokes_and_records_it(client, alice):
    raw, token = api_token_issue(user=alice, name="Fictional case tool")
    client.force_login(alice)
    url = reverse("accounts:token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Revoke the API token Fictional case tool" in confirm.content.decode()
    assert ApiToken.objects.authenticate(raw) is not None

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    assert ApiToken.objects.authenticate(raw) is None
    assert Client().get("/api/v1/children", headers=bearer(raw)).status_code == 401
    revoked = events(SecurityAction.TOKEN_REVOKED, user=alice)
    assert len(revoked) == 1 and revoked[0].actor == alice
    page = client.get(reverse("accounts:account")).content.decode()
    assert "The token Fictional case tool has been revoked" in page
    # Revoking twice changes nothing and records nothing more.
    client.post(url)
    assert len(events(SecurityAction.TOKEN_REVOKED, user=alice)) == 1


def test_another_users_token_is_not_found(client, alice, bob):
    raw, token = api_token_issue(user=alice, name="Fictional case tool")
    client.force_login(bob)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert ApiToken.objects.authenticate(raw) is not None
    assert events(SecurityAction.TOKEN_REVOKED) == []


def test_the_account_page_needs_sign_in(client, db):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_revoking_from_the_command_line_is_recorded_without_an_actor(alice):
    from io import StringIO

    from django.core.management import call_command

    _, token = api_token_issue(user=alice, name="Fictional case tool")
    call_command("revoke_token", "alice", "--hint", token.hint, stdout=StringIO())
    revoked = events(SecurityAction.TOKEN_REVOKED, user=alice)
    assert len(revoked) == 1 and revoked[0].actor is None
