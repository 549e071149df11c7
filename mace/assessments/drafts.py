"""The assessment form keeps server-side drafts of what is typed between saves
(mace.core.drafts), under keys "assessment:assessment:<id>"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mace.core.drafts import draft_form_register

if TYPE_CHECKING:
    from mace.accounts.models import User


def _rule(user: User, parts: list[str]) -> bool:
    """The same rule as saving the form: the draft must still be one the user may change."""
    from mace.access import policy
    from mace.assessments.models import Assessment

    if len(parts) != 2 or parts[0] != "assessment" or not parts[1].isdigit():
        return False
    assessment = Assessment.objects.select_related("child").filter(pk=int(parts[1])).first()
    return assessment is not None and policy.can_edit_assessment(user, assessment)


def register() -> None:
    draft_form_register("assessment", _rule)
