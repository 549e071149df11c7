"""Small helpers the meetings services share: tidy free text, collect field errors, and say who
made a change for simple-history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from mace.core.errors import DomainError

if TYPE_CHECKING:
    from mace.accounts.models import User


def _text(value: Any) -> str:
    return str(value or "").strip()


def _required_text(errors: dict[str, list[str]], field: str, value: Any, message: str) -> str:
    text = _text(value)
    if not text:
        errors.setdefault(field, []).append(message)
    return text


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainError(errors)


def _by[M: models.Model](actor: User | None, instance: M) -> M:
    """The instance, with `actor` as the user simple-history records for its next save."""
    instance._history_user = actor  # type: ignore[attr-defined]
    return instance
