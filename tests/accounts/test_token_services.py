"""The token services behind issue_token and revoke_token (and, later, the user's own page)."""

from __future__ import annotations

import pytest

from mace.accounts.models import ApiToken
from mace.accounts.services import api_token_issue, api_token_revoke
from mace.core.errors import DomainError


def test_an_issued_token_authenticates_as_its_user_until_revoked(alice):
    raw, token = api_token_issue(user=alice, name="Reporting script", days=30)
    assert ApiToken.objects.authenticate(raw) == token
    assert token.key_hash != raw and raw not in token.hint + token.key_hash
    assert api_token_revoke(user=alice, hint=token.hint) == 1
    assert ApiToken.objects.authenticate(raw) is None


def test_bad_input_is_refused_field_by_field_and_writes_nothing(alice):
    alice.is_active = False
    alice.save()
    with pytest.raises(DomainError) as refused:
        api_token_issue(user=alice, name="  ", days=0)
    assert set(refused.value.errors) == {"user", "days", "name"}
    assert not ApiToken.objects.exists()


def test_revoking_needs_an_unambiguous_hint(alice, bob):
    api_token_issue(user=alice)
    api_token_issue(user=alice)
    _, bobs = api_token_issue(user=bob)
    with pytest.raises(DomainError, match="give more characters"):
        api_token_revoke(user=alice, hint=ApiToken.PREFIX)
    with pytest.raises(DomainError, match="no unrevoked token"):
        api_token_revoke(user=alice, hint=bobs.hint)
    assert api_token_revoke(user=alice, every=True) == 2
    assert ApiToken.objects.filter(revoked_at__isnull=True).get() == bobs
