"""Drafts of the link form (its note can be long): keys read "link:<kind>:<id>:<kind>:<id>",
the page's record or child and the one being linked to, and a user may keep one only while they
may make that link."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mace.accounts.models import User


def link_draft_key(one: tuple[str, int], other: tuple[str, int]) -> str:
    return f"link:{one[0]}:{one[1]}:{other[0]}:{other[1]}"


def link_draft_rule(user: User, parts: list[str]) -> bool:
    from mace.intelligence.selectors import end_find, may_link_ends

    if len(parts) != 4 or not parts[1].isdigit() or not parts[3].isdigit():
        return False
    one = end_find(parts[0], int(parts[1]))
    other = end_find(parts[2], int(parts[3]))
    return one is not None and other is not None and may_link_ends(user, one, other)
