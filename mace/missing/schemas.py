"""What the missing episodes API accepts and answers. Input and output schemas are separate; the
output is built from records the route has already loaded (grades, interview, agencies), so
resolving a field never runs a query of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from mace.core.schemas import EventDateTime, LongText, Offset, ShortText, Version
from mace.missing.selectors import interview_of, status_of
from mace.people.schemas import FieldErrorOut

MAX_LIMIT = 100

# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


class EpisodeListQuery(Schema):
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


class EpisodeIn(Schema):
    """A new episode. It starts at the later of `left_at` and `last_seen_at` (give one or
    both); it may be recorded already ended. Values are checked by the service."""

    type: ShortText = Field(
        "",
        description=(
            "M: missing (whereabouts unknown); A: away without authorisation (whereabouts known)"
        ),
    )
    left_at: EventDateTime | None = Field(None, description="When the child left")
    last_seen_at: EventDateTime | None = Field(None, description="When the child was last seen")
    reported_at: EventDateTime | None = Field(None, description="When it was reported")
    reported_by: ShortText = Field("", description="Who reported it (name or role)")
    reported_by_agency: ShortText | None = Field(
        None, description="The reporting agency's name, if an agency reported it"
    )
    police_reference: ShortText = Field("", description="Unique within your agency")
    looked_after: bool = Field(
        False, description="Whether the child was looked after when it started"
    )
    ended_at: EventDateTime | None = Field(
        None, description="When found or returned; null while missing"
    )
    end_reason: LongText = Field("", description="found or returned (with ended_at)")
    found_where: LongText = ""
    found_with: LongText = ""
    risk_grade: ShortText = Field(
        "", description="The first risk grade: very_low, low, medium or high"
    )
    risk_reason: LongText = Field("", description="Why that grade")


class EpisodePatchIn(Schema):
    """Close or correct an episode: the version you read, and only the fields you change.
    Closing it is setting `ended_at` and `end_reason` (and where and with whom found)."""

    version: Version = Field(ge=1, description="The version you read; a stale one answers 409")
    type: ShortText = ""
    left_at: EventDateTime | None = None
    last_seen_at: EventDateTime | None = None
    reported_at: EventDateTime | None = None
    reported_by: ShortText = ""
    reported_by_agency: ShortText | None = None
    police_reference: ShortText = ""
    looked_after: bool = False
    ended_at: EventDateTime | None = None
    end_reason: LongText = ""
    found_where: LongText = ""
    found_with: LongText = ""


class GradingIn(Schema):
    grade: ShortText = Field("", description="very_low, low, medium or high")
    graded_at: EventDateTime | None = Field(
        None, description="When it was graded; now if not given"
    )
    reason: LongText = Field("", description="Why (required for a regrading)")


class InterviewIn(Schema):
    """The return home interview, whole (PUT replaces it). Send `version` null to record the
    first one, and the version you read to change it."""

    version: Version | None = Field(
        None, description="null for a new interview; else the version you read"
    )
    offered: LongText = Field("", description="Y, N or NA")
    accepted: LongText = Field("", description="Y, N or NA (NA when not offered)")
    held_at: EventDateTime | None = Field(None, description="When it was held (only if accepted)")
    interviewer: ShortText | None = Field(None, description="The username of who held it")
    independent: bool | None = Field(
        None, description="Whether the interviewer was independent of the child's care"
    )
    child_account: LongText = Field("", description="What the child said")
    push_factors: list[ShortText] = Field(
        default_factory=list, description="What pushed the child away"
    )
    pull_factors: list[ShortText] = Field(
        default_factory=list, description="What pulled the child away"
    )
    people_named: list[ShortText] = Field(
        default_factory=list, description="People the child named"
    )
    places_named: list[ShortText] = Field(
        default_factory=list, description="Places the child named"
    )
    actions_agreed: LongText = ""


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


class GradingOut(Schema):
    grade: str
    grade_label: str
    graded_at: datetime
    graded_by: str
    agency: str
    reason: str

    @staticmethod
    def resolve_grade_label(obj: Any) -> str:
        return str(obj.get_grade_display())

    @staticmethod
    def resolve_graded_by(obj: Any) -> str:
        return str(obj.graded_by.display_name)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)


class InterviewOut(Schema):
    id: int
    offered: str
    accepted: str
    held_at: datetime | None
    due_at: datetime | None = Field(description="72 hours after the child returned")
    interviewer: str | None = Field(description="The username of who held it")
    interviewer_name: str | None
    independent: bool | None
    child_account: str
    push_factors: list[str]
    pull_factors: list[str]
    people_named: list[str]
    places_named: list[str]
    actions_agreed: str
    agency: str = Field(description="The agency that recorded the interview")
    recorded_at: datetime
    version: int = Field(description="Send it back with a change (PUT)")

    @staticmethod
    def resolve_interviewer(obj: Any) -> str | None:
        return obj.interviewer.username if obj.interviewer_id else None

    @staticmethod
    def resolve_interviewer_name(obj: Any) -> str | None:
        return obj.interviewer.display_name if obj.interviewer_id else None

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)


class EpisodeOut(Schema):
    id: int
    reference: str
    child_id: int
    type: str
    type_label: str
    left_at: datetime | None
    last_seen_at: datetime | None
    started_at: datetime = Field(description="The later of left_at and last_seen_at")
    ended_at: datetime | None
    is_open: bool
    end_reason: str
    found_where: str
    found_with: str
    reported_by: str
    reported_by_agency: str | None
    reported_at: datetime | None
    police_reference: str
    looked_after: bool
    agency: str = Field(description="The agency that recorded it")
    recorded_at: datetime
    current_grade: str | None = Field(description="The latest grading's grade")
    gradings: list[GradingOut] = Field(description="Every grading, oldest first")
    interview_status: str = Field(
        description=(
            "not_due, due, overdue, held, held_late, declined, not_offered or not_applicable"
        )
    )
    interview_due_at: datetime | None = Field(description="72 hours after the child returned")
    interview: InterviewOut | None
    version: int = Field(description="Send it back with a change (PATCH)")

    @staticmethod
    def resolve_type_label(obj: Any) -> str:
        return str(obj.get_type_display())

    @staticmethod
    def resolve_reported_by_agency(obj: Any) -> str | None:
        return obj.reported_by_agency.name if obj.reported_by_agency_id else None

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_current_grade(obj: Any) -> str | None:
        gradings = list(obj.gradings.all())
        return gradings[-1].grade if gradings else None

    @staticmethod
    def resolve_gradings(obj: Any) -> list[Any]:
        return list(obj.gradings.all())

    @staticmethod
    def resolve_interview_status(obj: Any) -> str:
        return str(status_of(obj).value)

    @staticmethod
    def resolve_interview(obj: Any) -> Any:
        return interview_of(obj)


class RepeatMissingOut(Schema):
    episodes: int = Field(description="Episodes that started within the period, ending now")
    threshold: int
    days: int
    met: bool = Field(description="The child meets the repeat missing rule")


class EpisodeListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[EpisodeOut]
    repeat_missing: RepeatMissingOut


class EpisodeConflictOut(Schema):
    """409: someone changed the episode after you read it. Nothing was written."""

    detail: str
    errors: list[FieldErrorOut]
    current: EpisodeOut


class InterviewConflictOut(Schema):
    """409: someone changed (or first recorded) the interview after you read it."""

    detail: str
    errors: list[FieldErrorOut]
    current: InterviewOut
