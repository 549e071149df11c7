"""Enumerations for intelligence records and links, in the words police and social care use.

The grading is the UK's 3x5x2 intelligence model (College of Policing, Authorised Professional
Practice on intelligence management): the source is evaluated 1-3, the information is assessed
A-E, and a handling code (P or C) says how it may be shared."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class RecordKind(models.TextChoices):
    """The kinds of intelligence record. A link joins two of them, or one of them and a child."""

    PERSON = "person", "Person of concern"
    LOCATION = "location", "Location"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone number"
    ACCOUNT = "account", "Online account"


# A link's subject may also be a child (mace.people.Child), never its target: "Zephyrine was
# seen with ...". This is the kind name links use for that end.
CHILD = "child"


class PersonCategory(models.TextChoices):
    ADULT = "adult", "An adult"
    # A peer is under 18: a child too, and possibly exploited as well as exploiting, so a peer's
    # record is kept from roles that see no children's details (see mace.access.policy).
    PEER = "peer", "A peer (under 18)"


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Of current concern"
    DORMANT = "dormant", "No recent information"
    CLOSED = "closed", "No longer of concern"


class PersonSex(models.TextChoices):
    """The SSD's pers_sex codes, as children's records use."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class LocationKind(models.TextChoices):
    ADDRESS = "address", "Address (a home or flat)"
    HOTEL = "hotel", "Hotel or short-stay accommodation"
    TAKEAWAY = "takeaway", "Takeaway or food outlet"
    LICENSED = "licensed", "Licensed premises (pub, bar or club)"
    PARK = "park", "Park or open space"
    SCHOOL = "school", "School or college"
    TRANSPORT = "transport", "Transport hub (station, bus or coach stop)"
    OTHER = "other", "Another kind of place"


class Platform(models.TextChoices):
    SNAPCHAT = "snapchat", "Snapchat"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    WHATSAPP = "whatsapp", "WhatsApp"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    TELEGRAM = "telegram", "Telegram"
    DISCORD = "discord", "Discord"
    OTHER = "other", "Another platform"


class SourceKind(models.TextChoices):
    """Who or what said so. Never a confidential source's identity: that stays with the police."""

    OFFICER = "officer", "Seen by a police officer or staff"
    PRACTITIONER = "practitioner", "Seen by a practitioner"
    CHILD = "child", "Said by the child"
    RETURN_INTERVIEW = "return_interview", "A return home interview"
    PARENT = "parent", "A parent or carer"
    PROFESSIONAL = "professional", "Another professional"
    PUBLIC = "public", "A member of the public"
    ANONYMOUS = "anonymous", "Anonymous"
    SYSTEMS = "systems", "Records or systems (for example ANPR, CCTV, phone records)"
    ONLINE = "online", "Open source or online"
    COVERT = "covert", "A confidential police source"


class SourceEvaluation(models.TextChoices):
    """3x5x2: how reliable the source is."""

    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    """3x5x2: how far the information itself is believed."""

    KNOWN_DIRECTLY = "A", "A: known directly to the source"
    CORROBORATED = "B", "B: known indirectly to the source but corroborated"
    KNOWN_INDIRECTLY = "C", "C: known indirectly to the source"
    NOT_KNOWN = "D", "D: not known"
    SUSPECTED_FALSE = "E", "E: suspected to be false"


class HandlingCode(models.TextChoices):
    """3x5x2: how the information may be shared."""

    PERMITTED = "P", "P: lawful sharing permitted"
    CONDITIONS = "C", "C: lawful sharing permitted with conditions"


class Belief(models.TextChoices):
    """How a page presents a link, from its grading. Only an established link reads as fact;
    anything else says how far it is believed, so a name in a rumour never reads as a fact."""

    ESTABLISHED = "established", "Established"
    REPORTED = "reported", "Reported, not corroborated"
    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    UNGRADED = "ungraded", "Not graded yet"
    DOUBTED = "doubted", "Suspected to be false"


class Relationship(models.TextChoices):
    """How the two ends of a link are related. Each label reads as a sentence's verb:
    "<subject> <relationship> <target>", like "Zephyrine was seen with Mordecai"."""

    SEEN_WITH = "seen_with", "was seen with"
    ASSOCIATED_WITH = "associated_with", "is associated with"
    RELATED_TO = "related_to", "is related to"
    USES = "uses", "uses"
    OWNS = "owns", "owns or is the registered keeper of"
    LIVES_AT = "lives_at", "lives at"
    WORKS_AT = "works_at", "works at"
    SEEN_AT = "seen_at", "was seen at"
    FOUND_AT = "found_at", "was found at"
    GOES_TO = "goes_to", "goes to"
    CONTACTED_BY = "contacted_by", "was contacted by"
    GIVEN_LIFTS_BY = "given_lifts_by", "was given lifts by"
    GIVEN_GIFTS_BY = "given_gifts_by", "was given gifts or money by"


@dataclass(frozen=True)
class RelationshipRule:
    """Which kinds may stand on each end of a relationship, and whether the order of its ends
    means anything (for "seen with" it does not, so A-B and B-A are the same link)."""

    subjects: frozenset[str]
    targets: frozenset[str]
    symmetric: bool = False


_P, _L, _V, _T, _A = (RecordKind.PERSON, RecordKind.LOCATION, RecordKind.VEHICLE,
                      RecordKind.PHONE, RecordKind.ACCOUNT)  # fmt: skip
_RECORDS = frozenset({_P, _L, _V, _T, _A})


def _kinds(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


RELATIONSHIP_RULES: dict[str, RelationshipRule] = {
    Relationship.SEEN_WITH: RelationshipRule(_kinds(CHILD, _P), _kinds(_P), symmetric=True),
    Relationship.ASSOCIATED_WITH: RelationshipRule(_RECORDS | {CHILD}, _RECORDS, symmetric=True),
    Relationship.RELATED_TO: RelationshipRule(_kinds(CHILD, _P), _kinds(_P), symmetric=True),
    Relationship.USES: RelationshipRule(_kinds(CHILD, _P), _kinds(_V, _T, _A)),
    Relationship.OWNS: RelationshipRule(_kinds(_P), _kinds(_L, _V, _T, _A)),
    Relationship.LIVES_AT: RelationshipRule(_kinds(CHILD, _P), _kinds(_L)),
    Relationship.WORKS_AT: RelationshipRule(_kinds(_P), _kinds(_L)),
    Relationship.SEEN_AT: RelationshipRule(_kinds(CHILD, _P, _V), _kinds(_L)),
    Relationship.FOUND_AT: RelationshipRule(_kinds(CHILD), _kinds(_L)),
    Relationship.GOES_TO: RelationshipRule(_kinds(CHILD, _P), _kinds(_L)),
    Relationship.CONTACTED_BY: RelationshipRule(_kinds(CHILD, _P), _kinds(_P, _T, _A)),
    Relationship.GIVEN_LIFTS_BY: RelationshipRule(_kinds(CHILD), _kinds(_P, _V)),
    Relationship.GIVEN_GIFTS_BY: RelationshipRule(_kinds(CHILD), _kinds(_P)),
}
