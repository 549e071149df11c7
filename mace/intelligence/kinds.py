"""The five kinds of intelligence record, and how pages, URLs and the API name each."""

from __future__ import annotations

from dataclasses import dataclass

from mace.intelligence.choices import RecordKind
from mace.intelligence.models import (
    IntelligenceRecord,
    Location,
    OnlineAccount,
    PersonOfConcern,
    Phone,
    Vehicle,
)


@dataclass(frozen=True)
class KindInfo:
    kind: str
    slug: str  # in URLs: /intelligence/persons/, /api/v1/intelligence/persons
    model: type[IntelligenceRecord]
    singular: str  # "person of concern"
    plural: str  # "persons of concern"
    article: str  # "a person of concern"
    this: str  # how a record's own page names it in a sentence: "this person"

    @property
    def title_singular(self) -> str:
        return self.singular[:1].upper() + self.singular[1:]

    @property
    def title_plural(self) -> str:
        return self.plural[:1].upper() + self.plural[1:]


KINDS: dict[str, KindInfo] = {
    RecordKind.PERSON: KindInfo(
        RecordKind.PERSON,
        "persons",
        PersonOfConcern,
        "person of concern",
        "persons of concern",
        "a person of concern",
        "this person",
    ),
    RecordKind.LOCATION: KindInfo(
        RecordKind.LOCATION,
        "locations",
        Location,
        "location",
        "locations",
        "a location",
        "this location",
    ),
    RecordKind.VEHICLE: KindInfo(
        RecordKind.VEHICLE,
        "vehicles",
        Vehicle,
        "vehicle",
        "vehicles",
        "a vehicle",
        "this vehicle",
    ),
    RecordKind.PHONE: KindInfo(
        RecordKind.PHONE,
        "phones",
        Phone,
        "phone number",
        "phone numbers",
        "a phone number",
        "this phone number",
    ),
    RecordKind.ACCOUNT: KindInfo(
        RecordKind.ACCOUNT,
        "accounts",
        OnlineAccount,
        "online account",
        "online accounts",
        "an online account",
        "this account",
    ),
}
