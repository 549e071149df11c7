"""What the MACE meetings API accepts and answers. Input and output schemas are separate. The
output names a child only to someone who may see them, so the routes build it (mace.meetings.api)
from records already loaded, for the user asking; these schemas document and check its shape."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from mace.core.schemas import EventDate, EventDateTime, Int, LongText, Offset, ShortText, Version
from mace.people.schemas import FieldErrorOut

MAX_LIMIT = 100

# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


class MeetingListQuery(Schema):
    quadrant: ShortText | None = Field(None, description="A quadrant's code, like south")
    part: Int | None = Field(None, description="1 or 2")
    status: ShortText | None = Field(
        None, description="scheduled, agenda_frozen, held, signed_off or cancelled"
    )
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


class MeetingIn(Schema):
    """A new meeting of a quadrant's panel (its chairs and coordinator become its members).
    Values are checked by the service."""

    quadrant: ShortText = Field("", description="The quadrant's code, like south")
    part: Int = Field(0, description="1: individual children; 2: threats, trends and hotspots")
    starts_at: EventDateTime | None = Field(None, description="When it starts; not in the past")
    place: ShortText = Field(
        "", description="Where, or 'Online'; the quadrant's usual place if empty"
    )
    invited_agency_ids: list[Int] = Field(
        default_factory=list, description="The agencies asked to attend, by id"
    )


class VersionIn(Schema):
    version: Version = Field(ge=1, description="The meeting's version you read; a stale one is 409")


class CancellationIn(Schema):
    version: Version = Field(ge=1, description="The meeting's version you read; a stale one is 409")
    reason: LongText = Field("", description="Why the meeting is cancelled (required)")


class AgendaItemIn(Schema):
    child_id: Int = Field(description="The child to discuss; one you may not see answers 404")
    detail: LongText = Field("", description="What the coordinator wants the panel to know")


class RemovalIn(Schema):
    reason: LongText = Field("", description="Why the child comes off the agenda")


class DiscussionIn(Schema):
    """What the panel agreed about the child. `version` null records it; the version you read
    corrects it (before sign-off)."""

    version: Version | None = Field(None, description="null for a new discussion; else its version")
    agreed_level: ShortText = Field("", description="low, medium or high")
    plan: LongText = ""
    disruption_opportunities: LongText = ""
    evidence_to_collect: LongText = Field("", description="Evidence to collect for a prosecution")
    decision: LongText = Field("", description="stay, step_down or close")
    review_by: EventDate | None = Field(
        None, description="Staying on MACE: review at the first meeting on or after this date"
    )


class ThreatIn(Schema):
    title: ShortText = Field("", description="What the threat is; the record's name if empty")
    record_id: Int | None = Field(
        None, description="The intelligence record (person, location, vehicle...), if any"
    )
    discussion: LongText = Field("", description="What the panel concluded")


class ActionIn(Schema):
    description: LongText = Field("", description="What the agency is to do")
    owner_agency_id: Int | None = Field(None, description="The agency that owns the action")
    owner_id: Int | None = Field(None, description="A named person in that agency, if known")
    due_on: EventDate | None = Field(None, description="Not in the past")
    item_id: Int | None = Field(None, description="Part 1: the agenda item (child) it is about")
    threat_id: Int | None = Field(None, description="Part 2: the threat it answers")


class MinutesAmendmentIn(Schema):
    text: LongText = Field("", description="What the minutes now say")
    reason: LongText = Field("", description="Why they change")


class ActionListQuery(Schema):
    status: ShortText = Field("open", description="open (the default), overdue or all")
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


class ActionUpdateIn(Schema):
    version: Version = Field(ge=1, description="The action's version you read; a stale one is 409")
    status: ShortText = Field("", description="open, in_progress, done or cancelled")
    note: LongText = Field("", description="What has been done")


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


class ChildRefOut(Schema):
    id: int
    name: str


class MeetingSummaryOut(Schema):
    id: int
    quadrant: str = Field(description="The quadrant's code")
    quadrant_name: str
    part: int
    part_label: str
    starts_at: datetime
    place: str
    status: str
    status_label: str
    version: int = Field(description="Send it back to freeze the agenda or sign the minutes off")


class MeetingListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[MeetingSummaryOut]


class MemberOut(Schema):
    id: int
    name: str
    agency: str
    username: str | None = Field(description="The member's account, if they have one")
    attendance: str
    attendance_label: str


class DiscussionOut(Schema):
    id: int
    item_id: int
    agreed_level: str
    plan: str
    disruption_opportunities: str
    evidence_to_collect: str
    decision: str
    decision_label: str
    review_by: date | None
    recorded_by: str
    recorded_at: datetime
    version: int = Field(description="Send it back with a correction (PUT)")


class AgendaItemOut(Schema):
    id: int
    position: int
    child: ChildRefOut | None = Field(description="null when you may not see the child")
    reasons: list[str]
    reason_labels: list[str]
    detail: str
    removed: bool
    removed_at: datetime | None
    removed_reason: str
    discussion: DiscussionOut | None


class AgendaOut(Schema):
    added: int = Field(description="Children the draft put on the agenda")
    updated: int = Field(description="Children whose reasons the draft brought up to date")
    items: list[AgendaItemOut]


class ThreatOut(Schema):
    id: int
    title: str
    record_id: int | None
    discussion: str
    position: int
    version: int


class ActionUpdateOut(Schema):
    id: int
    author: str
    agency: str
    made_at: datetime
    status: str
    status_label: str
    note: str


class ActionOut(Schema):
    id: int
    meeting: MeetingSummaryOut = Field(description="The meeting that decided it")
    child: ChildRefOut | None = Field(description="The child, only if you may see them")
    about_a_child: bool = Field(description="Whether it is about a child, named or not")
    threat_id: int | None
    description: str
    owner_agency_id: int
    owner_agency: str
    owner: str | None = Field(description="The named owner, if any")
    due_on: date
    status: str
    status_label: str
    overdue: bool
    updates: list[ActionUpdateOut] = Field(description="Newest first")
    version: int = Field(description="Send it back with an update")


class ActionListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ActionOut]


class MinutesAmendmentOut(Schema):
    id: int
    author: str
    made_at: datetime
    text: str
    reason: str


class MeetingOut(MeetingSummaryOut):
    chairs: list[str]
    coordinator: str | None
    invited_agencies: list[str]
    members: list[MemberOut]
    agenda: list[AgendaItemOut] = Field(description="Part 1: the children, in order")
    threats: list[ThreatOut] = Field(description="Part 2: the threats discussed")
    actions: list[ActionOut]
    carried_actions: list[ActionOut] = Field(
        description="Overdue actions of earlier meetings, carried forward when the agenda froze"
    )
    notes: str
    stay_safe_themes: str
    training_themes: str
    agenda_frozen_at: datetime | None
    signed_off_at: datetime | None
    signed_off_by: str | None
    amendments: list[MinutesAmendmentOut] = Field(description="Changes made after sign-off")


class MeetingConflictOut(Schema):
    """409: someone changed the meeting after you read it. Nothing was written."""

    detail: str
    errors: list[FieldErrorOut]
    current: MeetingOut


class DiscussionConflictOut(Schema):
    """409: someone corrected the discussion after you read it. Nothing was written."""

    detail: str
    errors: list[FieldErrorOut]
    current: DiscussionOut


class ActionConflictOut(Schema):
    """409: someone updated the action after you read it. Nothing was written."""

    detail: str
    errors: list[FieldErrorOut]
    current: ActionOut
