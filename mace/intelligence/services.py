"""What practitioners do with intelligence records and links. Each service takes the acting
user, asks the access policy, validates (DomainError with field errors), writes, and keeps the
child's chronology in step when a link names a child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from mace.access import policy
from mace.access.choices import IntelligenceReach
from mace.core.concurrency import differs, require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.intelligence.choices import (
    CHILD,
    RELATIONSHIP_RULES,
    HandlingCode,
    IntelligenceAssessment,
    LocationKind,
    PersonCategory,
    PersonSex,
    PersonStatus,
    Platform,
    RecordKind,
    Relationship,
    SourceEvaluation,
    SourceKind,
)
from mace.intelligence.kinds import KINDS
from mace.intelligence.models import (
    IntelligenceRecord,
    Link,
    Location,
    OnlineAccount,
    Phone,
    Record,
    Vehicle,
)
from mace.intelligence.normalise import (
    address_key,
    normalise_handle,
    normalise_phone,
    normalise_registration,
    normalise_words,
    phone_display,
    phone_error,
    registration_display,
    registration_error,
)
from mace.intelligence.origins import origin_kinds
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.services import chronology_add, involvement_ensure, place_postcode
from mace.reference.models import Area, normalise_postcode, outward_code

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child
    from mace.reference.models import Agency


class DuplicateRecord(DomainError):
    """The record being made (or changed) is one already recorded: the same registration,
    number, handle or address. `existing` is it, so the page or the API can offer it."""

    def __init__(self, field: str, message: str, existing: Record) -> None:
        self.existing = existing
        super().__init__({field: [message]})


# What a practitioner may set on each kind of record (the service works out the keys, the
# placement of a location and the date an age was estimated).
FIELDS: dict[str, tuple[str, ...]] = {
    RecordKind.PERSON: (
        "name",
        "aliases",
        "dob",
        "age_estimate",
        "sex",
        "category",
        "status",
        "area",
        "description",
    ),
    RecordKind.LOCATION: (
        "kind",
        "name",
        "line1",
        "line2",
        "town",
        "postcode",
        "latitude",
        "longitude",
        "area",
        "description",
    ),
    RecordKind.VEHICLE: (
        "registration",
        "partial",
        "make",
        "model",
        "colour",
        "area",
        "description",
    ),
    RecordKind.PHONE: ("number", "description"),
    RecordKind.ACCOUNT: ("platform", "platform_name", "handle", "display_name", "description"),
}
TEXT_LIMITS = {
    "name": 200,
    "aliases": 500,
    "line1": 200,
    "line2": 200,
    "town": 100,
    "make": 60,
    "model": 60,
    "colour": 40,
    "platform_name": 60,
    "handle": 100,
    "display_name": 100,
    "description": 5000,
}
# Great Britain's extremes, with a margin: a point outside is a slip (latitude and longitude
# swapped, a sign dropped), not a place in Essex's partnership.
LATITUDES = (Decimal("49.8"), Decimal("61.0"))
LONGITUDES = (Decimal("-8.7"), Decimal("1.9"))


def _text(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Strip every text field and check its length."""
    for name, limit in TEXT_LIMITS.items():
        if name not in values:
            continue
        value = (
            " ".join(str(values[name] or "").split())
            if name != "description"
            else (str(values[name] or "").strip())
        )
        values[name] = value
        if len(value) > limit:
            errors[name] = [f"This must be {limit} characters or fewer"]


def _choice(
    values: dict[str, Any],
    errors: dict[str, list[str]],
    name: str,
    choices: type[models.TextChoices],
    message: str,
    default: str | None = None,
) -> None:
    value = values.get(name) or default or ""
    values[name] = value
    if value not in choices.values:
        errors[name] = [message]


def _clean_person(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if not values["name"]:
        errors["name"] = ["Enter their name, or the name they are known by"]
    _choice(values, errors, "sex", PersonSex, "Choose their sex, or not known", PersonSex.UNKNOWN)
    _choice(
        values, errors, "category", PersonCategory, "Choose whether they are an adult or a peer"
    )
    _choice(values, errors, "status", PersonStatus, "Choose a status", PersonStatus.ACTIVE)
    today = timezone.localdate()
    dob, estimate = values.get("dob"), values.get("age_estimate")
    age: int | None = None
    if dob is not None:
        if dob > today:
            errors["dob"] = ["Date of birth must be today or in the past"]
        elif dob.year < today.year - 100:
            errors["dob"] = ["Date of birth must be within the last 100 years"]
        else:
            age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    if estimate is not None:
        if dob is not None:
            errors["age_estimate"] = ["Give a date of birth or an approximate age, not both"]
        elif not isinstance(estimate, int) or not 8 <= estimate <= 100:
            errors["age_estimate"] = ["An approximate age is a whole number from 8 to 100"]
        else:
            age = estimate
    if age is not None and "category" not in errors:
        if values["category"] == PersonCategory.PEER and age >= 18:
            errors["category"] = ["A peer is under 18: choose adult for someone 18 or over"]
        elif values["category"] == PersonCategory.ADULT and age < 18:
            errors["category"] = ["Someone under 18 is a peer, not an adult"]


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number.quantize(Decimal("0.000001"))


def _clean_location(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    _choice(values, errors, "kind", LocationKind, "Choose what kind of place it is")
    values["postcode"] = normalise_postcode(values.get("postcode") or "")
    if values["postcode"] and outward_code(values["postcode"]) is None:
        errors["postcode"] = ["Enter a real postcode, like CM1 1AA"]
    for name, (low, high), word in (
        ("latitude", LATITUDES, "A latitude"),
        ("longitude", LONGITUDES, "A longitude"),
    ):
        try:
            values[name] = _decimal(values.get(name))
        except ValueError:
            errors[name] = [
                f"{word} is a number, like {'51.5761' if name == 'latitude' else '0.4887'}"
            ]
            continue
        if values[name] is not None and not low <= values[name] <= high:
            errors[name] = [f"{word} in Great Britain is between {low} and {high}"]
    point = {"latitude", "longitude"}
    if not point & set(errors) and (values["latitude"] is None) != (values["longitude"] is None):
        missing = "longitude" if values["longitude"] is None else "latitude"
        errors[missing] = ["Give both the latitude and the longitude, or neither"]
    if not (values["name"] or values["line1"] or values["postcode"] or values["latitude"]):
        errors["name"] = [
            "Enter a name, an address, a postcode or a point (latitude and longitude)"
        ]


def _clean_vehicle(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    values["registration"] = normalise_registration(values.get("registration") or "")
    values["partial"] = bool(values.get("partial"))
    if message := registration_error(values["registration"]):
        errors["registration"] = [message]


def _clean_phone(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    values["number"] = normalise_phone(values.get("number") or "")
    if message := phone_error(values["number"]):
        errors["number"] = [message]


def _clean_account(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    _choice(values, errors, "platform", Platform, "Choose the platform")
    if values["platform"] == Platform.OTHER:
        if not values["platform_name"]:
            errors["platform_name"] = ["Enter the name of the platform"]
    else:
        values["platform_name"] = ""
    if not normalise_handle(values["handle"]):
        errors["handle"] = ["Enter the handle or username"]


CLEANERS: dict[str, Callable[[dict[str, Any], dict[str, list[str]]], None]] = {
    RecordKind.PERSON: _clean_person,
    RecordKind.LOCATION: _clean_location,
    RecordKind.VEHICLE: _clean_vehicle,
    RecordKind.PHONE: _clean_phone,
    RecordKind.ACCOUNT: _clean_account,
}


def _keys(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The normalised keys stored beside what was typed."""
    if kind == RecordKind.LOCATION:
        return {"address_key": address_key(values["postcode"], values["line1"] or values["name"])}
    if kind == RecordKind.ACCOUNT:
        return {
            "platform_key": normalise_words(values["platform_name"]),
            "handle_key": normalise_handle(values["handle"]),
        }
    return {}


def _duplicate(kind: str, values: dict[str, Any], exclude: int | None) -> DuplicateRecord | None:
    """The record these values would repeat, if there is one (a DuplicateRecord to raise)."""
    found: IntelligenceRecord | None = None
    field, message = "", ""
    if kind == RecordKind.VEHICLE and not values["partial"]:
        found = Vehicle.objects.filter(registration=values["registration"], partial=False).first()
        field = "registration"
        shown = registration_display(values["registration"])
        message = f"A vehicle with the registration {shown} is already recorded"
    elif kind == RecordKind.PHONE:
        found = Phone.objects.filter(number=values["number"]).first()
        field = "number"
        message = f"The phone number {phone_display(values['number'])} is already recorded"
    elif kind == RecordKind.ACCOUNT:
        found = OnlineAccount.objects.filter(
            platform=values["platform"],
            platform_key=values["platform_key"],
            handle_key=values["handle_key"],
        ).first()
        field = "handle"
        message = "This account is already recorded"
    elif kind == RecordKind.LOCATION and values["address_key"]:
        found = Location.objects.filter(address_key=values["address_key"]).first()
        field = "line1" if values["line1"] else "name"
        message = "A place with this postcode and first line is already recorded"
    if found is None or found.pk == exclude:
        return None
    return DuplicateRecord(field, message, Record.objects.get(pk=found.pk))


def _area_or_none(value: Any) -> Area | None:
    if value is None or isinstance(value, Area):
        return value
    raise DomainError({"area": ["Choose a council area from the list"]})


def _place(kind: str, values: dict[str, Any], *, hand: Area | None, keep: Any = None) -> None:
    """Where a location is: placed by hand when `hand` is given, otherwise by its postcode's
    district (as a child's address is), otherwise where it was (`keep`, a hand placement that
    still stands)."""
    if kind != RecordKind.LOCATION:
        return
    placed = place_postcode(values["postcode"]) if values["postcode"] else None
    if hand is not None:
        values["area"], values["placed_by_hand"] = hand, hand != placed
    elif keep is not None:
        values["area"], values["placed_by_hand"] = keep, True
    else:
        values["area"], values["placed_by_hand"] = placed, False


def _check_district(actor: User, kind: str, values: dict[str, Any]) -> None:
    """A district officer works only on records in their council's area: one they make or
    change must stay there."""
    if policy.intelligence_reach(actor) != IntelligenceReach.DISTRICT:
        return
    model = KINDS[kind].model
    probe = model(**{k: v for k, v in values.items() if k in {"area", "category"}})
    if policy.can_view_intelligence(actor, probe):
        return
    assert actor.agency is not None
    district = actor.agency.area
    if kind == RecordKind.PERSON and values.get("category") == PersonCategory.PEER:
        raise DomainError(
            {
                "category": [
                    "Peers are under 18: ask the police or children's social care to record them"
                ]
            }
        )
    field = "postcode" if kind == RecordKind.LOCATION else "area"
    raise DomainError({field: [f"You can only record {KINDS[kind].plural} in {district}"]})


def _clean(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    _text(values, errors)
    CLEANERS[kind](values, errors)
    if errors:
        raise DomainError(errors)
    values.update(_keys(kind, values))
    return values


@transaction.atomic
def record_create(*, actor: User, kind: str, data: Mapping[str, Any]) -> IntelligenceRecord:
    """Record a new person of concern, location, vehicle, phone number or online account. One
    already recorded (the same registration, number, handle, or postcode and first line) is
    refused with DuplicateRecord, which names it, so nobody enters it twice."""
    if kind not in KINDS:
        raise DomainError({"kind": ["Choose a kind of record"]})
    require(
        policy.can_create_intelligence(actor, kind),
        f"Your role does not include recording {KINDS[kind].plural}",
    )
    unknown = set(data) - set(FIELDS[kind])
    if unknown:
        raise DomainError({name: ["This cannot be set"] for name in sorted(unknown)})
    values: dict[str, Any] = {name: data.get(name) for name in FIELDS[kind]}
    hand = _area_or_none(values.get("area")) if "area" in values else None
    values = _clean(kind, values)
    _place(kind, values, hand=hand)
    if kind == RecordKind.PERSON and values["age_estimate"] is not None:
        values["age_estimated_on"] = timezone.localdate()
    _check_district(actor, kind, values)
    if duplicate := _duplicate(kind, values, exclude=None):
        raise duplicate
    assert actor.agency is not None
    model = KINDS[kind].model
    try:
        with transaction.atomic():
            identity = Record.objects.create(
                kind=kind, label="", agency=actor.agency, created_by=actor
            )
            record = cast(Any, model)(record=identity, **values)
            record._history_user = actor
            record.save()
    except IntegrityError:
        # Two people entered the same vehicle at the same moment: the second is told which.
        if duplicate := _duplicate(kind, values, exclude=None):
            raise duplicate from None
        raise
    return record


@transaction.atomic
def record_update(
    *, actor: User, record: IntelligenceRecord, version: int, changes: Mapping[str, Any]
) -> IntelligenceRecord:
    """Change a record, if nobody else changed it since the person loaded it at `version`
    (ConflictError otherwise, with the record as it is now). `changes` holds only the fields
    being changed. For a location, `area` places it by hand (None: by its postcode); without
    `area`, a hand placement stands unless the postcode changes."""
    kind = record.KIND
    require(
        policy.can_change_intelligence(actor, record),
        f"You cannot change this {KINDS[kind].singular}",
    )
    unknown = set(changes) - set(FIELDS[kind])
    if unknown:
        raise DomainError({name: ["This cannot be changed"] for name in sorted(unknown)})
    values: dict[str, Any] = {name: getattr(record, name) for name in FIELDS[kind]}
    values.update(changes)
    if "area" in values:
        values["area"] = _area_or_none(values["area"])
    values = _clean(kind, values)
    if kind == RecordKind.LOCATION:
        assert isinstance(record, Location)
        hand: Area | None = values["area"] if "area" in changes else None
        stands = (
            "area" not in changes
            and record.placed_by_hand
            and values["postcode"] == record.postcode
        )
        _place(kind, values, hand=hand, keep=record.area if stands else None)
    if kind == RecordKind.PERSON:
        if values["age_estimate"] is None:
            values["age_estimated_on"] = None
        elif values["age_estimate"] != getattr(record, "age_estimate", None):
            values["age_estimated_on"] = timezone.localdate()
    _check_district(actor, kind, values)
    if duplicate := _duplicate(kind, values, exclude=record.pk):
        raise duplicate
    fields = {name: value for name, value in values.items() if differs(record, name, value)}
    if not fields:
        require_version(record, version)
        return record
    model = type(record)
    try:
        with transaction.atomic():
            saved = save_versioned(
                model._default_manager.all(), record.pk, version, history_user=actor, **fields
            )
    except IntegrityError:
        if duplicate := _duplicate(kind, values, exclude=record.pk):
            raise duplicate from None
        raise
    return saved


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


def _end_kind(end: Record | None, child: Child | None) -> str:
    return CHILD if child is not None else end.kind if end is not None else ""


@transaction.atomic
def link_create(
    *,
    actor: User,
    target: Record,
    relationship: str,
    information_date: dt.date | None,
    source_kind: str,
    handling_code: str,
    subject: Record | None = None,
    child: Child | None = None,
    source_agency: Agency | None = None,
    source_detail: str = "",
    source_evaluation: str = "",
    intelligence_assessment: str = "",
    handling_conditions: str = "",
    note: str = "",
    origin: models.Model | None = None,
) -> Link:
    """Record that "<subject or child> <relationship> <target>", with who or what said so, when,
    and its 3x5x2 grading (source evaluation 1-3 and assessment A-E together, or neither while it
    is not graded; the handling code always). `origin` is the record it was made from (a
    concern, a return home interview...), which must be a registered kind the actor may read. A
    link about a child goes on the child's chronology (without the record's name, which only
    those who see intelligence read) and involves the actor's agency."""
    if (subject is None) == (child is None):
        raise DomainError({"subject": ["Link the target to one record or one child"]})
    require(
        policy.can_link(actor, target=target, subject=subject, child=child),
        "You cannot link these records",
    )
    errors: dict[str, list[str]] = {}
    rule = RELATIONSHIP_RULES.get(relationship)
    subject_kind = _end_kind(subject, child)
    if rule is None:
        errors["relationship"] = ["Choose how they are linked"]
    elif subject_kind not in rule.subjects or target.kind not in rule.targets:
        said = Relationship(relationship).label
        errors["relationship"] = [
            f"“{said}” does not link {_article(subject_kind)} to {_article(target.kind)}"
        ]
    if subject is not None and subject.pk == target.pk:
        errors["target"] = ["A record cannot be linked to itself"]
    if information_date is None:
        errors["information_date"] = ["Enter when it was seen or happened"]
    elif information_date > timezone.localdate():
        errors["information_date"] = ["The date must be today or in the past"]
    elif information_date.year < 1950:
        errors["information_date"] = ["Enter a real date, after 1950"]
    if source_kind not in SourceKind.values:
        errors["source_kind"] = ["Choose where the information came from"]
    source_detail = " ".join((source_detail or "").split())
    if len(source_detail) > 200:
        errors["source_detail"] = ["This must be 200 characters or fewer"]
    source_evaluation = source_evaluation or ""
    intelligence_assessment = intelligence_assessment or ""
    if source_evaluation and source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = ["Choose 1, 2 or 3, or not graded yet"]
    if intelligence_assessment and intelligence_assessment not in IntelligenceAssessment.values:
        errors["intelligence_assessment"] = ["Choose A, B, C, D or E, or not graded yet"]
    if bool(source_evaluation) != bool(intelligence_assessment) and not (
        {"source_evaluation", "intelligence_assessment"} & set(errors)
    ):
        missing = "intelligence_assessment" if source_evaluation else "source_evaluation"
        errors[missing] = [
            "Grade both the source (1 to 3) and the information (A to E), or neither yet"
        ]
    handling_conditions = " ".join((handling_conditions or "").split())
    if handling_code not in HandlingCode.values:
        errors["handling_code"] = ["Choose the handling code: P or C"]
    elif handling_code == HandlingCode.CONDITIONS:
        if not handling_conditions:
            errors["handling_conditions"] = ["Say what the conditions on sharing are"]
        elif len(handling_conditions) > 300:
            errors["handling_conditions"] = ["This must be 300 characters or fewer"]
    else:
        handling_conditions = ""
    note = (note or "").strip()
    if len(note) > 5000:
        errors["note"] = ["This must be 5,000 characters or fewer"]
    origin_type = None
    if origin is not None:
        label = origin._meta.label_lower
        kind = origin_kinds().get(label)
        if kind is None or not kind.readable(actor, origin):
            errors["origin"] = ["The link cannot come from that record"]
        else:
            belongs_to = kind.child_of(origin)
            if belongs_to is not None and child is not None and belongs_to.pk != child.pk:
                errors["origin"] = [
                    f"That {kind.description.split(' ', 1)[-1]} is about another child"
                ]
            origin_type = ContentType.objects.get_for_model(origin)
    if errors:
        raise DomainError(errors)
    assert rule is not None and actor.agency is not None and information_date is not None
    # "A seen with B" and "B seen with A" are the same information: store one order.
    if rule.symmetric and subject is not None and subject.pk > target.pk:
        subject, target = target, subject
    link = Link(
        subject=subject,
        child=child,
        relationship=relationship,
        target=target,
        information_date=information_date,
        source_agency=source_agency or actor.agency,
        source_kind=source_kind,
        source_detail=source_detail,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        handling_conditions=handling_conditions,
        note=note,
        origin_type=origin_type,
        origin_id=origin.pk if origin is not None else None,
        agency=actor.agency,
        created_by=actor,
    )
    identity = {
        "subject": subject,
        "child": child,
        "relationship": relationship,
        "target": target,
        "information_date": information_date,
        "source_agency": link.source_agency,
        "source_kind": source_kind,
        "origin_type": origin_type,
        "origin_id": link.origin_id,
    }
    duplicate = DomainError(
        "This link is already recorded: the same information, from the same source, on the "
        "same date"
    )
    if Link.objects.filter(**identity).exists():
        raise duplicate
    link._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise duplicate from None
    if child is not None:
        _link_to_chronology(actor=actor, link=link, child=child)
    return link


def _article(kind: str) -> str:
    return "a child" if kind == CHILD else KINDS[kind].article if kind in KINDS else "a record"


def link_chronology_entry(
    *, forename: str, link: Link, target_kind: str, agency: str
) -> tuple[str, str, dt.datetime]:
    """The title, body and moment of the chronology entry a link to a child makes. Every agency
    working with the child reads the chronology, so it says what kind of record and how far it
    is believed, never which record (only roles that see intelligence read that)."""
    article = KINDS[target_kind].article
    moment = timezone.make_aware(dt.datetime.combine(link.information_date, dt.time(12)))
    body = (
        f"{forename} {link.get_relationship_display()} {article} "
        f"({link.belief_label.lower()}). Who or what it is, the source and the grading "
        "are under “People, places and vehicles”, for those whose role includes them."
    )
    return f"Linked to {article} by {agency}", body, min(moment, timezone.now())


def _link_to_chronology(*, actor: User, link: Link, child: Child) -> None:
    assert actor.agency is not None
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    title, body, moment = link_chronology_entry(
        forename=child.forename, link=link, target_kind=link.target.kind, agency=str(actor.agency)
    )
    chronology_add(
        actor=actor, child=child, kind=EntryKind.NOTE, title=title, body=body, occurred_at=moment
    )
