"""`mace issue_token`, `revoke_token` and `list_tokens`: personal API tokens, stored hashed."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from mace.accounts.models import ApiToken


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def issue(*args: str) -> str:
    return run("issue_token", *args).strip()


def test_issue_token_prints_a_token_that_authenticates(alice):
    raw = issue("alice")
    token = ApiToken.objects.authenticate(raw)
    assert token is not None and token.user == alice
    assert token.expires_at - timezone.now() > timedelta(days=89)


def test_only_a_hash_of_the_token_is_stored(alice):
    raw = issue("alice", "--name", "Reporting script")
    token = ApiToken.objects.get(user=alice)
    assert token.name == "Reporting script"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in [str(v) for v in stored.values()]
    assert raw.startswith(token.hint)


def test_days_sets_when_it_expires(alice):
    raw = issue("alice", "--days", "7")
    token = ApiToken.objects.authenticate(raw)
    assert token is not None
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)


@pytest.mark.parametrize("days", ["0", "-3", "367"])
def test_it_refuses_a_bad_number_of_days(alice, days):
    with pytest.raises(CommandError, match="--days"):
        issue("alice", "--days", days)
    assert not ApiToken.objects.exists()


def test_it_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        issue("nobody")
    with pytest.raises(CommandError, match="no user called"):
        run("revoke_token", "nobody", "--all")
    with pytest.raises(CommandError, match="no user called"):
        run("list_tokens", "nobody")


def test_it_refuses_an_inactive_user(alice):
    alice.is_active = False
    alice.save()
    with pytest.raises(CommandError, match="not active"):
        issue("alice")


def test_revoking_by_hint_makes_that_token_fail_and_leaves_the_others(alice):
    first, second = issue("alice"), issue("alice")
    hint = ApiToken.objects.authenticate(first).hint  # type: ignore[union-attr]
    assert "Revoked 1 token" in run("revoke_token", "alice", "--hint", hint)
    assert ApiToken.objects.authenticate(first) is None
    assert ApiToken.objects.authenticate(second) is not None


def test_revoking_all_makes_every_token_fail(alice, bob):
    tokens = [issue("alice"), issue("alice")]
    bobs = issue("bob")
    assert "Revoked 2 tokens" in run("revoke_token", "alice", "--all")
    assert all(ApiToken.objects.authenticate(t) is None for t in tokens)
    assert ApiToken.objects.authenticate(bobs) is not None


def test_revoke_needs_a_hint_or_all_and_a_hint_that_matches(alice):
    issue("alice")
    with pytest.raises(CommandError):
        run("revoke_token", "alice")
    with pytest.raises(CommandError, match="no unrevoked token"):
        run("revoke_token", "alice", "--hint", "mace_nothing")


def test_list_tokens_shows_hints_and_status_but_never_the_token(alice):
    raw = issue("alice", "--name", "Nightly export")
    issue("alice")
    run("revoke_token", "alice", "--all")
    live = issue("alice")
    out = run("list_tokens", "alice")
    assert "Nightly export" in out
    assert "revoked" in out and "active" in out
    assert raw not in out and live not in out
    assert ApiToken.objects.get(key_hash=hashlib.sha256(live.encode()).hexdigest()).hint in out
