"""What the disruption API accepts and answers. Input and output schemas are separate: the input
carries only what a partner may set (the service checks every value, so the messages match the
pages'); the output is built by the route for its reader (a child is named only to someone who
may see them)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from mace.core.schemas import EventDate, Int, LongText, Offset, ShortText, Version
from mace.people.schemas import FieldErrorOut

# A page of disruption is bounded so one request cannot pull the county's.
MAX_LIMIT = 100


class DisruptionListQuery(Schema):
    type: ShortText = Field("", description="Only this type, e.g. closure_notice")
    status: ShortText = Field("", description="Only this status, e.g. granted")
    lead_agency: ShortText = Field("", description="Only those led by this agency (its name)")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


class DisruptionIn(Schema):
    subject: Int = Field(description="The id of the person, location or vehicle record")
    type: ShortText = Field(
        "",
        description="cawn, sro, stro, closure_notice, closure_order, hotel_notice, "
        "licence_review, housing, cpn, nrm, arrest, charge, intelligence or other",
    )
    lead_agency: ShortText | None = Field(None, description="The lead agency's name; yours if null")
    legal_basis: LongText = ""
    applied_on: EventDate | None = None
    granted_on: EventDate | None = None
    served_on: EventDate | None = None
    expires_on: EventDate | None = Field(None, description="Reminded 14 days before")
    review_on: EventDate | None = Field(None, description="Reminded 7 days before")
    status: ShortText = Field(
        "planned",
        description="planned, applied, granted, served, refused, expired, withdrawn or completed",
    )
    outcome: LongText = ""
    child: Int | None = Field(None, description="The id of the child it protects")
    action: Int | None = Field(None, description="The id of the MACE action it came from")
    notes: LongText = ""


class DisruptionPatchIn(Schema):
    version: Version = Field(ge=1, description="The version you read; a stale one answers 409")
    type: ShortText = ""
    lead_agency: ShortText | None = None
    legal_basis: LongText = ""
    applied_on: EventDate | None = None
    granted_on: EventDate | None = None
    served_on: EventDate | None = None
    expires_on: EventDate | None = None
    review_on: EventDate | None = None
    status: ShortText = ""
    outcome: LongText = ""
    child: Int | None = None
    action: Int | None = None
    notes: LongText = ""


class EvidenceIn(Schema):
    description: LongText = ""
    kind: ShortText = Field(
        "",
        description="statement, cctv, phone_download, anpr, document, photograph or other",
    )
    collected_on: EventDate | None = None
    collected_by: ShortText | None = Field(None, description="The agency's name; yours if null")
    child: Int | None = Field(None, description="The id of the child it is about")
    person: Int | None = Field(None, description="The id of the person of concern it is about")
    storage_reference: ShortText = ""


class SubjectOut(Schema):
    id: int
    kind: str
    label: str


class DisruptionChildOut(Schema):
    id: int | None = Field(description="Null when the child is not shown to you")
    name: str = Field(description="Their name, or 'a child (not shown)'")
    shown: bool


class DisruptionActionOut(Schema):
    id: int
    owner_agency: str
    due_on: date
    status: str


class DisruptionOut(Schema):
    id: int
    type: str
    type_label: str
    subject: SubjectOut
    child: DisruptionChildOut | None
    lead_agency: str
    legal_basis: str
    applied_on: date | None
    granted_on: date | None
    served_on: date | None
    expires_on: date | None
    review_on: date | None
    status: str
    status_label: str
    outcome: str
    action: DisruptionActionOut | None
    notes: str
    created_at: datetime
    created_by: str
    version: int


class DisruptionListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[DisruptionOut]


class DisruptionConflictOut(Schema):
    detail: str
    errors: list[FieldErrorOut]
    current: DisruptionOut


class DisruptionEvidenceOut(Schema):
    id: int
    description: str
    kind: str
    kind_label: str
    collected_on: date
    collected_by: str
    child: DisruptionChildOut | None
    person: SubjectOut | None
    action: int | None
    disruption: int | None
    storage_reference: str
    created_at: datetime
    version: int


class EvidenceListOut(Schema):
    count: int
    items: list[DisruptionEvidenceOut]
