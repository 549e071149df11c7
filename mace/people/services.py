"""What practitioners do to a child's record. Each service takes the acting user, asks the
access policy, validates, writes, and keeps the chronology and involvement in step."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mace.access import policy
from mace.core.bounds import birth_date_problem, date_errors, text_errors
from mace.core.concurrency import differs, require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.people.choices import EntryKind, IdentifierType, InvolvementReason
from mace.people.identifiers import nhs_number_error, normalise_nhs_number, normalise_upn, upn_error
from mace.people.models import (
    AgencyInvolvement,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChronologyEntry,
)
from mace.people.restricted import restriction_errors
from mace.reference.codes import code_error
from mace.reference.models import Area, PostcodeDistrict, normalise_postcode, outward_code

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.concerns.models import Concern
    from mace.reference.models import Agency


def involvement_ensure(
    *, actor: User, child: Child, agency: Agency, reason: str
) -> AgencyInvolvement:
    """Make sure the agency is involved with the child (reopening an ended involvement), because
    `actor` wrote about them. Never through a break-glass grant: emergency access only reads, and
    an involvement would keep the whole agency in the record after the grant ends."""
    require(not policy.sees_only_through_grant(actor, child), policy.READ_ONLY_UNDER_GRANT)
    involvement, created = AgencyInvolvement.objects.get_or_create(
        child=child, agency=agency, defaults={"reason": reason}
    )
    if not created and involvement.ended_at is not None:
        involvement.ended_at = None
        involvement.reason = reason
        involvement.save(update_fields=["ended_at", "reason"])
    return involvement


def chronology_add(
    *,
    actor: User,
    child: Child,
    kind: str,
    title: str,
    body: str = "",
    occurred_at: datetime | None = None,
    concern: Concern | None = None,
    amends: ChronologyEntry | None = None,
    restricted: bool = False,
    restriction_reason: str = "",
) -> ChronologyEntry:
    """Write an entry on the child's chronology. Internal: the public ways in are the services
    that check and validate (chronology_note_add, concern_record, chronology_amend)."""
    assert actor.agency is not None
    return ChronologyEntry.objects.create(
        child=child,
        kind=kind,
        title=title,
        body=body,
        occurred_at=occurred_at or timezone.now(),
        author=actor,
        agency=actor.agency,
        concern=concern,
        amends=amends,
        restricted=restricted,
        restriction_reason=restriction_reason if restricted else "",
    )


@transaction.atomic
def chronology_note_add(
    *,
    actor: User,
    child: Child,
    title: str,
    body: str,
    occurred_at: datetime | None = None,
    restricted: bool = False,
    restriction_reason: str = "",
) -> ChronologyEntry:
    """A note on the child's chronology (a conversation, a sighting, a decision). A restricted
    note is read only by the actor's agency and the MACE chairs of the child's quadrant. Writing
    a note involves the actor's agency, as recording a concern does, so it needs sight of the
    child first."""
    require(policy.can_view_child(actor, child), "You cannot add to this child's record")
    require(policy.can_write_for_child(actor, child), policy.READ_ONLY_UNDER_GRANT)
    errors = date_errors(events={"occurred_at": (occurred_at, "The date of the note")})
    errors |= text_errors(long={"body": (body, "The note")})
    if not title.strip():
        errors["title"] = ["Enter a short title for the note"]
    elif len(title.strip()) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    if not body.strip():
        errors["body"] = ["Enter the note"]
    if "occurred_at" not in errors and occurred_at is not None and occurred_at > timezone.now():
        errors["occurred_at"] = ["The date of the note must be today or in the past"]
    errors |= restriction_errors(restricted=restricted, reason=restriction_reason)
    if errors:
        raise DomainError(errors)
    assert actor.agency is not None
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    return chronology_add(
        actor=actor,
        child=child,
        kind=EntryKind.NOTE,
        title=title.strip(),
        body=body.strip(),
        occurred_at=occurred_at,
        restricted=restricted,
        restriction_reason=restriction_reason,
    )


def _validate_child_fields(
    *,
    forename: str,
    surname: str,
    dob: date | None,
    sex: str,
    gender: str,
    ethnicity: str,
    upn_unknown: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not forename.strip():
        errors["forename"] = ["Enter the child's first name"]
    if not surname.strip():
        errors["surname"] = ["Enter the child's last name"]
    today = timezone.localdate()
    if problem := birth_date_problem(dob):
        errors["dob"] = [problem]
    elif dob is not None:
        if dob > today:
            errors["dob"] = ["Date of birth must be today or in the past"]
        elif dob.year < today.year - 26:
            errors["dob"] = ["Date of birth must be within the last 26 years"]
    for field, list_name, value in [
        ("sex", "sex", sex),
        ("gender", "gender", gender),
        ("ethnicity", "ethnicity", ethnicity),
        ("upn_unknown", "upn_unknown", upn_unknown),
    ]:
        if value and (message := code_error(list_name, value)):
            errors[field] = [message]
    return errors


@transaction.atomic
def child_create(
    *,
    actor: User,
    forename: str,
    surname: str,
    dob: date | None = None,
    sex: str = "U",
    gender: str = "",
    ethnicity: str = "",
    other_names: str = "",
    upn_unknown: str = "",
) -> Child:
    """Create a child's record. The actor's agency becomes involved with the child."""
    require(policy.can_create_child(actor))
    errors = _validate_child_fields(
        forename=forename,
        surname=surname,
        dob=dob,
        sex=sex or "U",
        gender=gender,
        ethnicity=ethnicity,
        upn_unknown=upn_unknown,
    )
    if errors:
        raise DomainError(errors)
    child = Child.objects.create(
        forename=forename.strip(),
        surname=surname.strip(),
        other_names=other_names.strip(),
        dob=dob,
        sex=sex or "U",
        gender=gender,
        ethnicity=ethnicity,
        upn_unknown=upn_unknown,
        created_by=actor,
    )
    assert actor.agency is not None
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    chronology_add(
        actor=actor,
        child=child,
        kind=EntryKind.RECORD_CREATED,
        title=f"Record created by {actor.agency}",
    )
    return child


# What a practitioner may change on a child's details, with how the chronology names each.
CHILD_FIELDS: dict[str, str] = {
    "forename": "first name",
    "surname": "last name",
    "other_names": "other names",
    "dob": "date of birth",
    "sex": "sex",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "upn_unknown": "reason a UPN is not known",
}


@transaction.atomic
def child_update(*, actor: User, child: Child, version: int, changes: Mapping[str, Any]) -> Child:
    """Change a child's details, if nobody else changed them since the practitioner loaded them
    at `version`; otherwise ConflictError carries the record as it is now, and nothing is
    written. `changes` holds only the fields being changed (an API PATCH sends a few). A note on
    the chronology says which details changed; the old values are in the record's history."""
    require(policy.can_change_child(actor, child))
    unknown = set(changes) - set(CHILD_FIELDS)
    if unknown:
        raise DomainError({name: ["This cannot be changed"] for name in sorted(unknown)})
    merged: dict[str, Any] = {name: getattr(child, name) for name in CHILD_FIELDS}
    merged.update(changes)
    for name in ("forename", "surname", "other_names", "gender", "ethnicity", "upn_unknown"):
        merged[name] = (merged[name] or "").strip()
    merged["sex"] = (merged["sex"] or "").strip() or "U"
    errors = _validate_child_fields(
        forename=merged["forename"],
        surname=merged["surname"],
        dob=merged["dob"],
        sex=merged["sex"],
        gender=merged["gender"],
        ethnicity=merged["ethnicity"],
        upn_unknown=merged["upn_unknown"],
    )
    if errors:
        raise DomainError(errors)
    fields = {name: value for name, value in merged.items() if differs(child, name, value)}
    if not fields:
        require_version(child, version)
        return child
    saved = save_versioned(Child.objects.all(), child.pk, version, history_user=actor, **fields)
    chronology_add(
        actor=actor,
        child=saved,
        kind=EntryKind.NOTE,
        title=f"Details changed by {actor.agency}: " + ", ".join(CHILD_FIELDS[n] for n in fields),
    )
    return saved


def normalise_identifier(type_: str, value: str) -> str:
    if type_ == IdentifierType.NHS_NUMBER:
        return normalise_nhs_number(value)
    if type_ == IdentifierType.UPN:
        return normalise_upn(value)
    return " ".join((value or "").split()).upper()


def identifier_error(type_: str, value: str) -> str | None:
    if type_ not in IdentifierType.values:
        return "Choose the type of identifier"
    if not value.strip():
        return "Enter the identifier"
    if type_ == IdentifierType.NHS_NUMBER:
        return nhs_number_error(value)
    if type_ == IdentifierType.UPN:
        return upn_error(value)
    if len(value.strip()) > 40:
        return "An identifier must be 40 characters or fewer"
    return None


@transaction.atomic
def child_identifier_add(
    *,
    actor: User,
    child: Child,
    type: str,
    value: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> ChildIdentifier:
    """Link an identifier to the child. An invalid one is refused with what is wrong; one that
    already belongs to another child is refused too, so duplicates are not made silently."""
    require(policy.can_change_child(actor, child))
    errors = date_errors(
        events={"valid_from": (valid_from, "Valid from"), "valid_to": (valid_to, "Valid to")}
    )
    if message := identifier_error(type, value):
        errors["value"] = [message]
    if not errors and valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = ["The end date must be the same as or after the start date"]
    if errors:
        raise DomainError(errors)
    value = normalise_identifier(type, value)
    clash = ChildIdentifier.objects.filter(type=type, value=value).select_related("child").first()
    if clash is not None:
        if clash.child_id == child.pk:
            raise DomainError({"value": ["This identifier is already recorded for this child"]})
        raise DomainError(
            {
                "value": [
                    "This identifier is already recorded for another child. "
                    "Search for it to find out which agency to contact"
                ]
            }
        )
    return ChildIdentifier.objects.create(
        child=child,
        type=type,
        value=value,
        valid_from=valid_from,
        valid_to=valid_to,
        agency=actor.agency,
    )


def place_postcode(postcode: str) -> Area | None:
    """The council area a postcode falls in, from its postcode district; None if unknown."""
    outward = outward_code(postcode)
    if outward is None:
        return None
    district = PostcodeDistrict.objects.select_related("area").filter(outward_code=outward).first()
    return district.area if district else None


@transaction.atomic
def child_address_add(
    *,
    actor: User,
    child: Child,
    line1: str,
    start_date: date | None,
    line2: str = "",
    town: str = "",
    postcode: str = "",
    uprn: str = "",
    end_date: date | None = None,
    area: Area | None = None,
) -> ChildAddress:
    """Add an address. The postcode places it in a council area; when it cannot be placed the
    address is kept unplaced (the page says so) unless the practitioner placed it by hand."""
    require(policy.can_change_child(actor, child))
    postcode = normalise_postcode(postcode)
    _validate_address(
        line1=line1, postcode=postcode, uprn=uprn, start_date=start_date, end_date=end_date
    )
    assert start_date is not None
    placed = place_postcode(postcode) if postcode else None
    address = ChildAddress.objects.create(
        child=child,
        line1=line1.strip(),
        line2=line2.strip(),
        town=town.strip(),
        postcode=postcode,
        uprn=uprn,
        start_date=start_date,
        end_date=end_date,
        area=area or placed,
        placed_by_hand=area is not None and area != placed,
    )
    _refresh_child_area(child)
    return address


def _validate_address(
    *, line1: str, postcode: str, uprn: str, start_date: date | None, end_date: date | None
) -> None:
    """The rules every address meets, added or changed. `postcode` is already normalised."""
    errors: dict[str, list[str]] = {}
    if not line1.strip():
        errors["line1"] = ["Enter the first line of the address"]
    if postcode and outward_code(postcode) is None:
        errors["postcode"] = ["Enter a real postcode, like CM1 1AA"]
    if start_date is None:
        errors["start_date"] = ["Enter the date the child started living here"]
    elif start_date > timezone.localdate():
        errors["start_date"] = ["The start date must be today or in the past"]
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = ["The end date must be the same as or after the start date"]
    if uprn and not (uprn.isdigit() and len(uprn) <= 12):
        errors["uprn"] = ["A UPRN is up to 12 digits"]
    errors |= date_errors(
        events={"start_date": (start_date, "Start date"), "end_date": (end_date, "End date")}
    )
    if errors:
        raise DomainError(errors)


# What a practitioner may change on an address (the service works out area and placed_by_hand).
ADDRESS_FIELDS = ("line1", "line2", "town", "postcode", "uprn", "start_date", "end_date")


@transaction.atomic
def child_address_update(
    *,
    actor: User,
    address: ChildAddress,
    version: int,
    changes: Mapping[str, Any],
    area: Area | None = None,
    by_postcode: bool = False,
) -> ChildAddress:
    """Change an address's lines, postcode or dates, if nobody else changed it since the
    practitioner loaded it at `version` (ConflictError otherwise). `changes` holds only the
    fields being changed. The postcode places the address again unless `area` places it by
    hand; with no area, a hand placement is kept unless the postcode changed or `by_postcode`
    asks for the postcode to place it again."""
    require(policy.can_change_child(actor, address.child))
    unknown = set(changes) - set(ADDRESS_FIELDS)
    if unknown:
        raise DomainError({name: ["This cannot be changed"] for name in sorted(unknown)})
    merged: dict[str, Any] = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    merged.update(changes)
    for name in ("line1", "line2", "town", "uprn"):
        merged[name] = (merged[name] or "").strip()
    merged["postcode"] = normalise_postcode(merged["postcode"] or "")
    _validate_address(
        line1=merged["line1"],
        postcode=merged["postcode"],
        uprn=merged["uprn"],
        start_date=merged["start_date"],
        end_date=merged["end_date"],
    )
    placed = place_postcode(merged["postcode"]) if merged["postcode"] else None
    if area is not None:
        merged["area"] = area
        merged["placed_by_hand"] = area != placed
    elif by_postcode or merged["postcode"] != address.postcode or not address.placed_by_hand:
        merged["area"] = placed
        merged["placed_by_hand"] = False
    fields = {name: value for name, value in merged.items() if differs(address, name, value)}
    return _save_address(actor=actor, address=address, version=version, fields=fields)


@transaction.atomic
def child_address_end(
    *, actor: User, address: ChildAddress, version: int, end_date: date | None
) -> ChildAddress:
    """Record the day the child stopped living at an address (versioned like any change)."""
    require(policy.can_change_child(actor, address.child))
    if end_date is None:
        raise DomainError({"end_date": ["Enter the date the child stopped living here"]})
    if bad := date_errors(events={"end_date": (end_date, "End date")}):
        raise DomainError(bad)
    if end_date > timezone.localdate():
        raise DomainError({"end_date": ["The end date must be today or in the past"]})
    if end_date < address.start_date:
        raise DomainError(
            {"end_date": ["The end date must be the same as or after the start date"]}
        )
    return _save_address(
        actor=actor, address=address, version=version, fields={"end_date": end_date}
    )


@transaction.atomic
def child_address_place(
    *, actor: User, address: ChildAddress, area: Area, version: int
) -> ChildAddress:
    """Place an address in a council area by hand (a postcode that could not place it, or a
    postcode district that straddles a boundary). The address's history records who did it;
    a placement made from an out-of-date page is refused like any other change."""
    require(policy.can_change_child(actor, address.child))
    return _save_address(
        actor=actor,
        address=address,
        version=version,
        fields={"area": area, "placed_by_hand": True},
    )


def _save_address(
    *, actor: User, address: ChildAddress, version: int, fields: dict[str, Any]
) -> ChildAddress:
    if not fields:
        require_version(address, version)
        return address
    saved = save_versioned(
        ChildAddress.objects.filter(child=address.child),
        address.pk,
        version,
        history_user=actor,
        **fields,
    )
    _refresh_child_area(address.child)
    return saved


def _refresh_child_area(child: Child) -> None:
    today = timezone.localdate()
    current = (
        child.addresses.filter(start_date__lte=today)
        .exclude(end_date__lt=today)
        .order_by("-start_date", "-id")
        .first()
    )
    area_id = current.area_id if current else None
    if child.area_id != area_id:
        # A move to another quadrant moves the child to that quadrant's MACE list.
        from mace.criteria.models import Eligibility

        quadrant_id = current.area.quadrant_id if current and current.area else None
        Eligibility.objects.filter(child=child).update(quadrant_id=quadrant_id)
        child.area_id = area_id
        child.save(update_fields=["area"])


@transaction.atomic
def chronology_amend(
    *, actor: User, entry: ChronologyEntry, body: str, reason: str
) -> ChronologyEntry:
    """Correct an entry by adding an amendment; the original stays as it was, and visible.
    Only the agency that made the entry may amend it."""
    require(
        policy.can_amend_entry(actor, entry),
        "Only the agency that made an entry can amend it; ask them to correct it",
    )
    errors = text_errors(long={"body": (body, "The corrected text")})
    if not body.strip():
        errors["body"] = ["Enter the corrected text"]
    if not reason.strip():
        errors["reason"] = ["Enter why the entry is being corrected"]
    if entry.amends_id is not None:
        errors["__all__"] = ["Amend the original entry, not an amendment"]
    if errors:
        raise DomainError(errors)
    return chronology_add(
        actor=actor,
        child=entry.child,
        kind=EntryKind.AMENDMENT,
        title=f"Amendment: {reason.strip()[:180]}",
        body=body.strip(),
        occurred_at=entry.occurred_at,
        amends=entry,
        # A correction of restricted information is as restricted as what it corrects.
        restricted=entry.restricted,
        restriction_reason=entry.restriction_reason,
    )
