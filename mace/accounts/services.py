"""Personal API tokens: issuing and revoking them. The commands (and, later, the user's own page)
call these; only a hash of a token is stored and the token itself is returned once."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mace.accounts.models import ApiToken, User
from mace.core.errors import DomainError

# A year at most: a token is a password that never asks for a second factor, so it must lapse.
MAX_TOKEN_DAYS = 366


def api_token_issue(
    *, user: User, name: str = "Personal token", days: int = ApiToken.DEFAULT_LIFETIME.days
) -> tuple[str, ApiToken]:
    """A new token for an active user: (the token, shown once; its stored record)."""
    errors: dict[str, list[str]] = {}
    if not user.is_active:
        errors.setdefault("user", []).append(f"{user.username} is not active; activate them first")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors.setdefault("days", []).append(
            f"A token lasts 1 to {MAX_TOKEN_DAYS} days, not {days}"
        )
    name = name.strip()
    if not name or len(name) > 100:
        errors.setdefault("name", []).append("Say what the token is for in 1 to 100 characters")
    if errors:
        raise DomainError(errors)
    raw, key_hash = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=key_hash,
        hint=raw[:12],
        expires_at=timezone.now() + timedelta(days=days),
    )
    return raw, token


@transaction.atomic
def api_token_revoke(*, user: User, hint: str | None = None, every: bool = False) -> int:
    """Revoke one of the user's unrevoked tokens, named by the start of its hint, or every one.
    Revoked tokens are kept for the record. Returns how many were revoked."""
    tokens = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if not every:
        hint = (hint or "").strip().rstrip("…").rstrip(".")
        if not hint:
            raise DomainError("Give the token's first characters, or revoke them all", "hint")
        matching = [t for t in tokens if t.hint.startswith(hint) or hint.startswith(t.hint)]
        if not matching:
            raise DomainError(f"{user.username} has no unrevoked token starting {hint!r}", "hint")
        if len(matching) > 1:
            raise DomainError(
                f"{len(matching)} tokens start {hint!r}; give more characters of the hint", "hint"
            )
        tokens = tokens.filter(pk=matching[0].pk)
    return tokens.update(revoked_at=timezone.now())
