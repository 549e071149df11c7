"""The concern form keeps server-side drafts of what is typed (mace.core.drafts), under keys
"concern:child:<id>"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mace.core.drafts import draft_form_register

if TYPE_CHECKING:
    from mace.accounts.models import User


def _rule(user: User, parts: list[str]) -> bool:
    """The same rule as recording the concern: the user may write for the child."""
    from mace.access import policy
    from mace.people.models import Child

    if len(parts) != 2 or parts[0] != "child" or not parts[1].isdigit():
        return False
    child = Child.objects.filter(pk=int(parts[1])).first()
    return child is not None and policy.can_write_for_child(user, child)


def register() -> None:
    draft_form_register("concern", _rule)
