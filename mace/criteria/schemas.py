"""What the MACE criteria API answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from mace.core.schemas import Offset, ShortText


class EvidenceOut(Schema):
    kind: str = Field(description="assessment or missing_episode")
    id: int
    label: str
    date: str | None


class ReasonOut(Schema):
    code: str = Field(description="known_exploited, high_risk, repeat_missing or missing_at_risk")
    label: str
    detail: str
    evidence: list[EvidenceOut] = Field(description="The records the rule matched on")


class EligibleChildOut(Schema):
    child_id: int
    child_reference: str
    name: str
    reasons: list[ReasonOut]
    last_assessment_level: str = Field(description="high, medium, low, or empty if none")
    last_assessment_on: date | None
    missing_episodes_90_days: int = Field(
        description="Missing episodes that started in the repeat missing rule's period"
    )
    on_agenda: bool = Field(description="Already on a MACE part 1 agenda that is not yet held")
    eligible_since: datetime
    changed_at: datetime

    @staticmethod
    def resolve_child_reference(obj: Any) -> str:
        return str(obj.child.reference)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.child.full_name)

    @staticmethod
    def resolve_last_assessment_level(obj: Any) -> str:
        return str(obj.last_level)

    @staticmethod
    def resolve_last_assessment_on(obj: Any) -> date | None:
        return obj.last_assessed_on

    @staticmethod
    def resolve_missing_episodes_90_days(obj: Any) -> int:
        return int(obj.recent_episodes)

    @staticmethod
    def resolve_on_agenda(obj: Any) -> bool:
        return bool(getattr(obj, "on_agenda", False))


class EligibleListOut(Schema):
    quadrant: str
    count: int
    limit: int
    offset: int
    items: list[EligibleChildOut]


class EligibleQuery(Schema):
    quadrant: ShortText = Field(
        description="The quadrant's name or code: Mid, North, South or West"
    )
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class ChildCriteriaOut(Schema):
    child_id: int
    meets_criteria: bool
    quadrant: str | None
    reasons: list[ReasonOut]
    eligible_since: datetime | None
