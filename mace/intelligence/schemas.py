"""What the intelligence API accepts and answers. Input and output schemas are separate: the input
carries only what a practitioner may set (the service checks every value, so the messages match
the pages'); the output is built from records the route loaded, so no field runs a query."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from mace.core.schemas import BirthDate, EventDate, Int, LongText, Offset, ShortText, Version
from mace.people.schemas import AreaOut, FieldErrorOut

# A page of records is bounded so one request cannot pull the county's intelligence.
MAX_LIMIT = 100


class RecordListQuery(Schema):
    q: ShortText = Field("", description="Search by name, registration, number, handle or address")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


AREA_IN = Field(
    None,
    description="A council area code, e.g. basildon (for a location: places it by hand; null "
    "places it by its postcode)",
)
DESCRIPTION_IN = Field("", description="What else is known")


# ---------------------------------------------------------------------------------------------
# Input: one schema to create each kind, one to change it (the version read, and only the fields
# being changed)
# ---------------------------------------------------------------------------------------------


class PersonIn(Schema):
    name: ShortText = Field("", description="Their name, or the name they are known by")
    aliases: LongText = Field("", description="Other names, nicknames, street names")
    category: ShortText = Field("", description="adult or peer (under 18)")
    dob: BirthDate | None = Field(None, description="Date of birth, if known")
    age_estimate: Int | None = Field(
        None, description="Approximate age, if the date of birth is not known"
    )
    sex: ShortText = Field("U", description="M, F or U")
    status: ShortText = Field("active", description="active, dormant or closed")
    area: ShortText | None = AREA_IN
    description: LongText = DESCRIPTION_IN


class LocationIn(Schema):
    kind: ShortText = Field(
        "", description="address, hotel, takeaway, licensed, park, school, transport or other"
    )
    name: ShortText = ""
    line1: ShortText = ""
    line2: ShortText = ""
    town: ShortText = ""
    postcode: ShortText = ""
    latitude: Decimal | None = Field(
        None,
        ge=-90,
        le=90,
        max_digits=9,
        decimal_places=6,
        description="With longitude: a point, e.g. 51.5761",
    )
    longitude: Decimal | None = Field(
        None, ge=-180, le=180, max_digits=9, decimal_places=6, description="e.g. 0.4887"
    )
    area: ShortText | None = AREA_IN
    description: LongText = DESCRIPTION_IN


class VehicleIn(Schema):
    registration: ShortText = Field("", description="Any spacing or case: ZZ19 FKE, zz19fke")
    partial: bool = Field(False, description="Only part of the registration is known")
    make: ShortText = ""
    model: ShortText = ""
    colour: ShortText = ""
    area: ShortText | None = AREA_IN
    description: LongText = DESCRIPTION_IN


class PhoneIn(Schema):
    number: ShortText = Field(
        "", description="A UK number in any form (07700 900123, +44 7700 900123)"
    )
    description: LongText = DESCRIPTION_IN


class AccountIn(Schema):
    platform: ShortText = Field(
        "",
        description="snapchat, instagram, tiktok, whatsapp, facebook, x, telegram, discord or "
        "other",
    )
    platform_name: ShortText = Field("", description="The platform's name, when platform is other")
    handle: ShortText = Field("", description="As the platform shows it; a leading @ is optional")
    display_name: ShortText = ""
    description: LongText = DESCRIPTION_IN


VERSION_IN = Field(ge=1, description="The version you read; a stale one answers 409")


class PersonPatchIn(PersonIn):
    version: Version = VERSION_IN


class LocationPatchIn(LocationIn):
    version: Version = VERSION_IN


class VehiclePatchIn(VehicleIn):
    version: Version = VERSION_IN


class PhonePatchIn(PhoneIn):
    version: Version = VERSION_IN


class AccountPatchIn(AccountIn):
    version: Version = VERSION_IN


class EndIn(Schema):
    kind: ShortText = Field(description="person, location, vehicle, phone or account")
    id: Int


class OriginIn(Schema):
    type: ShortText = Field(description="The kind of record it came from, e.g. concerns.concern")
    id: Int


class LinkIn(Schema):
    """A link reads "<subject or child> <relationship> <target>": give `subject` (a record) or
    `child` (a child's id), and `target`."""

    subject: EndIn | None = Field(None, description="The record the sentence is about")
    child: Int | None = Field(None, description="Or: the child the sentence is about")
    relationship: ShortText = Field(
        "",
        description="seen_with, associated_with, related_to, uses, owns, lives_at, works_at, "
        "seen_at, found_at, goes_to, contacted_by, given_lifts_by or given_gifts_by",
    )
    target: EndIn
    information_date: EventDate | None = Field(None, description="When it was seen or happened")
    source_kind: ShortText = Field(
        "",
        description="officer, practitioner, child, return_interview, parent, professional, "
        "public, anonymous, systems, online or covert",
    )
    source_agency: ShortText | None = Field(
        None, description="The agency that holds the source, by name; yours if not given"
    )
    source_detail: LongText = Field(
        "", description="More about the source; never a confidential name"
    )
    source_evaluation: ShortText = Field("", description="3x5x2: 1, 2 or 3; blank while not graded")
    intelligence_assessment: LongText = Field(
        "", description="3x5x2: A, B, C, D or E; blank while not graded"
    )
    handling_code: ShortText = Field("", description="3x5x2: P, or C with handling_conditions")
    handling_conditions: LongText = ""
    note: LongText = Field("", description="What was seen or said")
    origin: OriginIn | None = Field(None, description="The record it was made from, if any")


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


class RecordOut(Schema):
    """What every kind of record answers with."""

    id: int
    kind: str
    label: str = Field(description="How the record is named in lists")
    description: str
    agency: str = Field(description="The agency that recorded it")
    created_at: datetime
    version: int = Field(description="Send it back with a change (PATCH)")

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.KIND)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.record.agency.name)

    @staticmethod
    def resolve_created_at(obj: Any) -> datetime:
        return obj.record.created_at


class PersonOut(RecordOut):
    name: str
    aliases: str
    category: str
    dob: date | None
    age_estimate: int | None
    age_estimated_on: date | None
    approximate_age: int | None = Field(description="From the date of birth, or the estimate")
    sex: str
    status: str
    area: AreaOut | None

    @staticmethod
    def resolve_approximate_age(obj: Any) -> int | None:
        return obj.approximate_age()


class LocationOut(RecordOut):
    location_kind: str = Field(description="address, hotel, takeaway, park...")
    name: str
    line1: str
    line2: str
    town: str
    postcode: str = Field(description="As people write it, with the space")
    latitude: float | None
    longitude: float | None
    area: AreaOut | None = Field(description="Its council area (and so its quadrant)")
    placed_by_hand: bool

    @staticmethod
    def resolve_location_kind(obj: Any) -> str:
        return str(obj.kind)

    @staticmethod
    def resolve_postcode(obj: Any) -> str:
        return str(obj.postcode_display)

    @staticmethod
    def resolve_latitude(obj: Any) -> float | None:
        return float(obj.latitude) if obj.latitude is not None else None

    @staticmethod
    def resolve_longitude(obj: Any) -> float | None:
        return float(obj.longitude) if obj.longitude is not None else None


class VehicleOut(RecordOut):
    registration: str = Field(description="As written on the plate")
    registration_key: str = Field(description="Letters and digits only: how it is matched")
    partial: bool
    make: str
    model: str
    colour: str
    area: AreaOut | None

    @staticmethod
    def resolve_registration(obj: Any) -> str:
        return str(obj.registration_display).removesuffix(" (partial)")

    @staticmethod
    def resolve_registration_key(obj: Any) -> str:
        return str(obj.registration)


class PhoneOut(RecordOut):
    number: str = Field(description="Grouped as people write it")
    number_key: str = Field(description="The one UK form it is matched by")

    @staticmethod
    def resolve_number(obj: Any) -> str:
        return str(obj.number_display)

    @staticmethod
    def resolve_number_key(obj: Any) -> str:
        return str(obj.number)


class AccountOut(RecordOut):
    platform: str
    platform_name: str = Field(description="The platform as pages name it")
    handle: str
    display_name: str

    @staticmethod
    def resolve_platform_name(obj: Any) -> str:
        return str(obj.platform_display)


class PersonListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class LocationListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[LocationOut]


class VehicleListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[VehicleOut]


class PhoneListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[PhoneOut]


class AccountListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[AccountOut]


class ConflictOut(Schema):
    """409: someone changed the record after you read it. Nothing was written; `current` is
    the record as it is now: compare, then send your change again."""

    detail: str
    errors: list[FieldErrorOut]


class PersonConflictOut(ConflictOut):
    current: PersonOut


class LocationConflictOut(ConflictOut):
    current: LocationOut


class VehicleConflictOut(ConflictOut):
    current: VehicleOut


class PhoneConflictOut(ConflictOut):
    current: PhoneOut


class AccountConflictOut(ConflictOut):
    current: AccountOut


class EndOut(Schema):
    """One end of a link. A reader who may not know which record or child it is gets its kind
    only (`visible` false, no id, no name)."""

    kind: str = Field(description="person, location, vehicle, phone, account or child")
    id: int | None
    name: str | None
    visible: bool


class IntelligenceGradingOut(Schema):
    source_evaluation: str = Field(description="1, 2 or 3; blank when not graded")
    intelligence_assessment: str = Field(description="A to E; blank when not graded")
    handling_code: str
    handling_conditions: str
    code: str = Field(description="As it is written: 2 / B / P")
    words: str = Field(description="The grading in words")
    belief: str = Field(description="established, reported, unconfirmed, ungraded or doubted")
    presented_as_fact: bool = Field(description="Only an established link reads as fact")


class OriginOut(Schema):
    type: str
    id: int
    description: str


class LinkOut(Schema):
    id: int
    sentence: str = Field(description="The link in words, qualified unless it is established")
    subject: EndOut = Field(description="The record or the child the sentence is about")
    relationship: str
    relationship_label: str
    target: EndOut
    information_date: date
    source_kind: str
    source_kind_label: str
    source_agency: str
    source_detail: str
    grading: IntelligenceGradingOut
    note: str
    origin: OriginOut | None
    agency: str = Field(description="The agency that recorded the link")
    created_at: datetime


class LinkListOut(Schema):
    count: int = Field(description="How many links there are in all (items are the newest)")
    items: list[LinkOut]
    children_not_shown: int = Field(
        description="Links to children your role sees only as a number (district officers)"
    )
