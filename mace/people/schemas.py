"""What the children API accepts and answers. Input and output schemas are separate: the input
carries only what a practitioner may set; the output is built from records already loaded (with
their relations prefetched by the route), so resolving a field never runs a query of its own."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from mace.concerns.schemas import (
    RESTRICTED_HELP,
    RESTRICTION_REASON_HELP,
    ConcernIndicatorOut,
    ConcernRouteOut,
)
from mace.core.schemas import ERROR_RESPONSES as ERROR_RESPONSES
from mace.core.schemas import (
    BirthDate,
    EventDate,
    EventDateTime,
    LongText,
    Offset,
    RefId,
    ShortText,
    Version,
)
from mace.core.schemas import DetailOut as DetailOut
from mace.core.schemas import ErrorsOut as ErrorsOut
from mace.core.schemas import FieldErrorOut as FieldErrorOut
from mace.people.choices import EntryKind
from mace.people.restricted import withheld

# ---------------------------------------------------------------------------------------------
# Errors (documented in the OpenAPI document; mace.core.api writes them)
# ---------------------------------------------------------------------------------------------


# FieldErrorOut, ErrorsOut, DetailOut and ERROR_RESPONSES live in mace.core.schemas; they are
# imported here too because every app's API has always imported them from here.


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


# A page of children is bounded so that one request cannot pull the whole county's register.
MAX_LIMIT = 100


class ChildListQuery(Schema):
    q: ShortText = Field("", description="A name, a date of birth or an exact identifier")
    dob: BirthDate | None = Field(
        None,
        description=(
            "Date of birth (YYYY-MM-DD). With an exact NHS number, UPN, local authority or "
            "police reference in q, a child you cannot see with both is reported in "
            "record_elsewhere"
        ),
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


# A page of a chronology: a long history is read a page at a time, like every other list.
MAX_CHRONOLOGY_LIMIT = 200


class ChronologyQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_CHRONOLOGY_LIMIT)
    offset: Offset = 0
    kind: EntryKind | None = Field(None, description="Only entries of this kind")
    agency: RefId | None = Field(None, description="Only entries recorded by this agency (its id)")


class ChildIn(Schema):
    """A new child's record. Codes are checked against the national code lists by the service."""

    forename: ShortText = ""
    surname: ShortText = ""
    other_names: ShortText = ""
    dob: BirthDate | None = Field(None, description="Date of birth")
    sex: ShortText = Field("U", description="SSD sex code: M, F or U")
    gender: ShortText = Field("", description="SSD gender code: 00, 01, 02 or 09")
    ethnicity: ShortText = Field("", description="DfE ethnicity code, e.g. WBRI")
    upn_unknown: ShortText = Field("", description="Why there is no UPN: UN1 to UN5")


class IdentifierIn(Schema):
    type: ShortText = Field(description="nhs, upn, police, la, yj or other")
    value: ShortText = ""
    valid_from: EventDate | None = None
    valid_to: EventDate | None = None


class AddressIn(Schema):
    line1: ShortText = ""
    line2: ShortText = ""
    town: ShortText = ""
    postcode: ShortText = ""
    uprn: ShortText = ""
    start_date: EventDate | None = None
    end_date: EventDate | None = None
    area: ShortText | None = Field(
        None,
        description=(
            "A council area code (e.g. basildon) to place the address by hand, when its postcode "
            "cannot place it or places it wrongly"
        ),
    )


class ChildPatchIn(Schema):
    """A change to a child's details: the version you read, and only the fields you change."""

    version: Version = Field(
        ge=1, description="The version of the record you read; a stale one answers 409"
    )
    forename: ShortText = ""
    surname: ShortText = ""
    other_names: ShortText = ""
    dob: BirthDate | None = Field(None, description="Date of birth (null to clear it)")
    sex: ShortText = Field("U", description="SSD sex code: M, F or U")
    gender: ShortText = Field("", description="SSD gender code: 00, 01, 02 or 09")
    ethnicity: ShortText = Field("", description="DfE ethnicity code, e.g. WBRI")
    upn_unknown: ShortText = Field("", description="Why there is no UPN: UN1 to UN5")


class AddressPatchIn(Schema):
    """A change to an address (ending it is setting end_date): the version you read, and only
    the fields you change."""

    version: Version = Field(
        ge=1, description="The version of the address you read; a stale one answers 409"
    )
    line1: ShortText = ""
    line2: ShortText = ""
    town: ShortText = ""
    postcode: ShortText = ""
    uprn: ShortText = ""
    start_date: EventDate | None = None
    end_date: EventDate | None = None
    area: ShortText | None = Field(
        None, description="A council area code to place the address by hand, e.g. basildon"
    )


class NoteIn(Schema):
    title: ShortText = Field("", description="A short title")
    body: LongText = Field("", description="The note")
    occurred_at: EventDateTime | None = Field(
        None, description="When it happened; now if not given"
    )
    restricted: bool = Field(False, description=RESTRICTED_HELP)
    restriction_reason: LongText = Field("", description=RESTRICTION_REASON_HELP)


class AmendmentIn(Schema):
    body: LongText = Field("", description="The corrected text")
    reason: LongText = Field("", description="Why the entry is being corrected")


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


class AreaOut(Schema):
    code: str
    name: str
    quadrant: str | None = Field(description="Blank for unitary councils with their own panels")

    @staticmethod
    def resolve_quadrant(obj: Any) -> str | None:
        return obj.quadrant.name if obj.quadrant_id else None


class IdentifierOut(Schema):
    id: int
    type: str
    type_label: str
    value: str
    valid_from: date | None
    valid_to: date | None
    agency: str | None = Field(description="The agency that recorded it")

    @staticmethod
    def resolve_type_label(obj: Any) -> str:
        return str(obj.get_type_display())

    @staticmethod
    def resolve_agency(obj: Any) -> str | None:
        return obj.agency.name if obj.agency_id else None


class AddressOut(Schema):
    id: int
    line1: str
    line2: str
    town: str
    postcode: str = Field(description="As people write it, with the space")
    uprn: str
    start_date: date
    end_date: date | None
    is_current: bool
    placed: bool = Field(description="Whether the address is in a council area")
    placed_by_hand: bool
    area: AreaOut | None
    version: int = Field(description="Send it back with a change (PATCH)")

    @staticmethod
    def resolve_postcode(obj: Any) -> str:
        return str(obj.postcode_display)

    @staticmethod
    def resolve_placed(obj: Any) -> bool:
        return obj.area_id is not None


class InvolvementOut(Schema):
    agency: str
    agency_type: str
    contact: str
    reason: str
    since: datetime

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_agency_type(obj: Any) -> str:
        return str(obj.agency.type)

    @staticmethod
    def resolve_contact(obj: Any) -> str:
        return str(obj.agency.contact)


class ChildSummaryOut(Schema):
    """A child in a list or search result: enough to tell children apart, no case content."""

    id: int
    reference: str
    forename: str
    surname: str
    other_names: str
    dob: date | None
    area: AreaOut | None


class ChildOut(ChildSummaryOut):
    """The child's record: who they are, what identifies them, where they live, who works
    with them. The route prefetches identifiers, addresses and involvements."""

    sex: str
    gender: str
    ethnicity: str
    age: int | None
    upn_unknown: str
    version: int = Field(description="Send it back with a change (PATCH)")
    identifiers: list[IdentifierOut]
    current_address: AddressOut | None = Field(
        description="The address the child lives at today; its area says where it is placed"
    )
    involved_agencies: list[InvolvementOut]

    @staticmethod
    def resolve_age(obj: Any) -> int | None:
        return obj.age_on()

    @staticmethod
    def resolve_identifiers(obj: Any) -> list[Any]:
        return list(obj.identifiers.all())

    @staticmethod
    def resolve_current_address(obj: Any) -> Any:
        # Addresses are prefetched newest first, so the first one that has started and not
        # ended is the one the child lives at today (the same rule as the child's page).
        today = timezone.localdate()
        return next(
            (a for a in obj.addresses.all() if a.start_date <= today and a.is_current), None
        )

    @staticmethod
    def resolve_involved_agencies(obj: Any) -> list[Any]:
        return [i for i in obj.involvements.all() if i.ended_at is None]


class ChildConflictOut(Schema):
    """409: someone changed the record after you read it. Nothing was written; `current` is the
    record as it is now (with its version): compare, then send your change again."""

    detail: str
    errors: list[FieldErrorOut]
    current: ChildOut


class AddressConflictOut(Schema):
    """409: someone changed the address after you read it. Nothing was written."""

    detail: str
    errors: list[FieldErrorOut]
    current: AddressOut


class RecordElsewhereOut(Schema):
    """A child you cannot see whose NHS number, UPN, local authority or police reference is
    exactly q and whose date of birth is dob: a record exists; who to contact. Nothing about the
    child is given, and a MACE reference, a name, or an identifier without the matching date of
    birth never gives one."""

    identifier_type: str
    agencies: list[str]
    contacts: list[str]


class ChildListOut(Schema):
    count: int = Field(
        description=(
            "How many children match, counted up to a bound (1,000 for the list, 50 for a "
            "search); `truncated` says there are more"
        )
    )
    limit: int
    offset: int
    truncated: bool = Field(
        description="There are more than `count`: narrow the search, or page on with `offset`"
    )
    items: list[ChildSummaryOut]
    record_elsewhere: list[RecordElsewhereOut]


class ChronologyConcernOut(Schema):
    id: int
    indicators: list[ConcernIndicatorOut]
    routes: list[ConcernRouteOut]

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_routes(obj: Any) -> list[Any]:
        return list(obj.routes.all())


class RestrictedFieldsMixin(Schema):
    restricted: bool = Field(
        description="Read only by the author's agency and the MACE chairs of the child's quadrant"
    )
    restriction_reason: str = Field(description="Why it is restricted, when it is")
    withheld: bool = Field(
        description=(
            "You may not read this restricted entry: its kind, title, body, author and "
            "details are withheld; `ask` says whom to ask"
        )
    )
    ask: str = Field(description="Whom to ask about a withheld entry")

    @staticmethod
    def resolve_withheld(obj: Any) -> bool:
        return withheld(obj)

    @staticmethod
    def resolve_ask(obj: Any) -> str:
        return str(getattr(obj, "ask", "")) if withheld(obj) else ""

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return "restricted" if withheld(obj) else str(obj.kind)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return "Restricted entry" if withheld(obj) else str(obj.title)

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return "" if withheld(obj) else str(obj.body)

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return "" if withheld(obj) else str(obj.author.display_name)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)


class AmendmentOut(RestrictedFieldsMixin):
    id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    title: str
    body: str
    author: str
    agency: str
    amends: int | None = Field(description="The id of the entry this corrects")

    @staticmethod
    def resolve_amends(obj: Any) -> int | None:
        return obj.amends_id


class ChronologyEntryOut(RestrictedFieldsMixin):
    """An original entry, with the corrections made to it (oldest first) nested under it: the
    original is never changed, so a reader sees what was first written and what replaced it.
    A restricted entry the reader may not read shows only that it exists, its dates, its
    agency and whom to ask (`withheld`)."""

    id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    title: str
    body: str
    author: str
    agency: str
    concern: ChronologyConcernOut | None
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_concern(obj: Any) -> Any:
        return None if withheld(obj) else obj.concern

    @staticmethod
    def resolve_amendments(obj: Any) -> list[Any]:
        return [] if withheld(obj) else list(obj.amendments.all())


class ChronologyListOut(Schema):
    """A page of a child's chronology, newest first, like every other list."""

    count: int = Field(description="How many original entries the chronology has in all")
    limit: int
    offset: int
    items: list[ChronologyEntryOut]
