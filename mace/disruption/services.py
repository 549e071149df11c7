"""What partners do with disruption activity and evidence. Each service takes the acting user,
asks the access policy, validates (DomainError with field errors), and writes with history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mace.access import policy
from mace.accounts.choices import Role
from mace.core.bounds import event_date_problem, text_problem
from mace.core.concurrency import differs, require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.core.notifications import notify
from mace.disruption.choices import CLOSED_STATUSES, DisruptionStatus, DisruptionType, EvidenceKind
from mace.disruption.models import Disruption, EvidenceItem

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.intelligence.models import Record
    from mace.meetings.models import Action
    from mace.people.models import Child
    from mace.reference.models import Agency

# What a disruption's subject may be: premises are recorded as locations.
SUBJECT_KINDS = ("person", "location", "vehicle")
# Reminders: an expiry within 14 days leaves time to apply to renew or extend an order; a review
# within 7 days, to gather what the review needs.
EXPIRY_NOTICE_DAYS = 14
REVIEW_NOTICE_DAYS = 7
TEXT_LIMITS = {"legal_basis": 300, "outcome": 5000, "notes": 5000}
# What disruption_update may change (the subject stays: disruption on another subject is
# another disruption).
CHANGEABLE = (
    "type",
    "lead_agency",
    "legal_basis",
    "applied_on",
    "granted_on",
    "served_on",
    "expires_on",
    "review_on",
    "status",
    "outcome",
    "child",
    "action",
    "notes",
)


DATE_NAMES = {
    "applied_on": "The date applied for",
    "granted_on": "The date granted",
    "served_on": "The date served",
    "expires_on": "The expiry date",
    "review_on": "The review date",
}


def _check_dates(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Granted and served are not before applied; expiry is not before granted or served; only
    the expiry and review dates may be in the future."""
    today = timezone.localdate()
    for name in ("applied_on", "granted_on", "served_on"):
        day = values.get(name)
        if day is not None and day > today:
            errors.setdefault(name, []).append(f"{DATE_NAMES[name]} must be today or in the past")
    for name, day in values.items():
        if name in DATE_NAMES and day is not None and day.year < 2000:
            errors.setdefault(name, []).append(f"{DATE_NAMES[name]} must be after 2000")
        elif name in DATE_NAMES and (problem := event_date_problem(day, name=DATE_NAMES[name])):
            errors.setdefault(name, []).append(problem)
    applied = values.get("applied_on")
    for name in ("granted_on", "served_on"):
        day = values.get(name)
        if day is not None and applied is not None and day < applied and name not in errors:
            errors[name] = [f"{DATE_NAMES[name]} must be on or after the date applied for"]
    expires = values.get("expires_on")
    if expires is not None and "expires_on" not in errors:
        for name in ("served_on", "granted_on", "applied_on"):
            day = values.get(name)
            if day is not None and expires < day:
                errors["expires_on"] = [
                    f"The expiry date must be on or after {DATE_NAMES[name].lower()[4:]}"
                ]
                break
    review = values.get("review_on")
    if review is not None and applied is not None and review < applied:
        errors.setdefault("review_on", []).append(
            "The review date must be on or after the date applied for"
        )


def _clean(
    actor: User,
    values: dict[str, Any],
    *,
    old_child: Child | None = None,
    old_action_id: int | None = None,
) -> None:
    """Check a disruption's values (all of them, as they would be saved); DomainError if any
    is wrong."""
    errors: dict[str, list[str]] = {}
    if values.get("type") not in DisruptionType.values:
        errors["type"] = ["Choose the type of disruption"]
    if values.get("status") not in DisruptionStatus.values:
        errors["status"] = ["Choose the status"]
    if values.get("lead_agency") is None:
        errors["lead_agency"] = ["Choose the lead agency"]
    for name, limit in TEXT_LIMITS.items():
        text = str(values.get(name) or "").strip()
        if name == "legal_basis":
            text = " ".join(text.split())
        values[name] = text
        if problem := text_problem(text, name="This", limit=limit):
            errors[name] = [problem]
    _check_dates(values, errors)
    child = values.get("child")
    if (
        child is not None
        and (old_child is None or child.pk != old_child.pk)
        # Naming the child a disruption protects is a write about them: not under break-glass.
        and not policy.can_write_for_child(actor, child)
    ):
        errors["child"] = ["Enter the number of a child you work with"]
    if child is None and old_child is not None and not policy.can_write_for_child(actor, old_child):
        errors["child"] = ["Only someone who works with the child can change who it protects"]
    action = values.get("action")
    if (
        action is not None
        and action.pk != old_action_id
        and not policy.can_view_action(actor, action)
    ):
        # As if it did not exist: the actions a user works on are their agency's and their
        # panel's (mace.access.policy.scope_actions).
        errors["action"] = ["Enter the number of a MACE action you work on"]
    if errors:
        raise DomainError(errors)


def _check_subject(actor: User, subject: Record | None) -> Record:
    if subject is None:
        raise DomainError({"subject": ["Enter the person, location or vehicle"]})
    if not policy.can_view_intelligence(actor, subject):
        # As if it did not exist: nothing says a record outside the user's reach is there.
        raise DomainError({"subject": ["Enter the number of a person, location or vehicle"]})
    if subject.kind not in SUBJECT_KINDS:
        raise DomainError(
            {"subject": ["Disruption is against a person, a location (premises) or a vehicle"]}
        )
    return subject


@transaction.atomic
def disruption_record(
    *,
    actor: User,
    subject: Record | None,
    type: str,
    lead_agency: Agency | None = None,
    legal_basis: str = "",
    applied_on: dt.date | None = None,
    granted_on: dt.date | None = None,
    served_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    review_on: dt.date | None = None,
    status: str = DisruptionStatus.PLANNED,
    outcome: str = "",
    child: Child | None = None,
    action: Action | None = None,
    notes: str = "",
) -> Disruption:
    """Record a disruption activity on a person of concern, a location or a vehicle. The lead
    agency is the actor's unless another is named."""
    require(policy.can_record_disruption(actor), "Your role does not include recording disruption")
    subject = _check_subject(actor, subject)
    require(
        policy.can_record_disruption(actor, subject),
        "You can only record disruption on people, places and vehicles in your district",
    )
    values: dict[str, Any] = {
        "type": type,
        "lead_agency": lead_agency or actor.agency,
        "legal_basis": legal_basis,
        "applied_on": applied_on,
        "granted_on": granted_on,
        "served_on": served_on,
        "expires_on": expires_on,
        "review_on": review_on,
        "status": status or DisruptionStatus.PLANNED,
        "outcome": outcome,
        "child": child,
        "action": action,
        "notes": notes,
    }
    _clean(actor, values)
    disruption = Disruption(subject=subject, created_by=actor, **values)
    disruption._history_user = actor  # type: ignore[attr-defined]
    disruption.save()
    return disruption


@transaction.atomic
def disruption_update(
    *, actor: User, disruption: Disruption, version: int, changes: Mapping[str, Any]
) -> Disruption:
    """Change a disruption, if nobody else changed it since the person loaded it at `version`
    (ConflictError otherwise, with the disruption as it is now). `changes` holds only the fields
    being changed."""
    require(policy.can_change_disruption(actor, disruption), "You cannot change this disruption")
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise DomainError({name: ["This cannot be changed"] for name in sorted(unknown)})
    values: dict[str, Any] = {name: getattr(disruption, name) for name in CHANGEABLE}
    values.update(changes)
    _clean(actor, values, old_child=disruption.child, old_action_id=disruption.action_id)
    fields = {name: value for name, value in values.items() if differs(disruption, name, value)}
    if not fields:
        require_version(disruption, version)
        return disruption
    saved = save_versioned(
        Disruption.objects.all(), disruption.pk, version, history_user=actor, **fields
    )
    # A district officer may not hand away the disruption they work on (the transaction is
    # undone): they would no longer see it.
    if not policy.can_view_disruption(actor, saved):
        raise DomainError(
            {"lead_agency": ["You would no longer see this disruption: ask its lead agency"]}
        )
    return saved


@transaction.atomic
def evidence_record(
    *,
    actor: User,
    description: str,
    kind: str,
    collected_on: dt.date | None,
    collected_by: Agency | None = None,
    child: Child | None = None,
    person: Record | None = None,
    action: Action | None = None,
    disruption: Disruption | None = None,
    storage_reference: str = "",
) -> EvidenceItem:
    """Record an evidence item collected for a prosecution, about a child, a person of concern
    or both, and the action or disruption it was collected for."""
    require(policy.sees_evidence(actor), "Your role does not include evidence for prosecutions")
    if disruption is not None:
        require(policy.can_view_disruption(actor, disruption), "You cannot see that disruption")
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Describe the evidence"]
    elif len(description) > 5000:
        errors["description"] = ["This must be 5,000 characters or fewer"]
    if kind not in EvidenceKind.values:
        errors["kind"] = ["Choose what kind of evidence it is"]
    if collected_on is None:
        errors["collected_on"] = ["Enter the date it was collected"]
    elif collected_on > timezone.localdate():
        errors["collected_on"] = ["The date collected must be today or in the past"]
    elif collected_on.year < 2000:
        errors["collected_on"] = ["The date collected must be after 2000"]
    elif problem := event_date_problem(collected_on, name="The date collected"):
        errors["collected_on"] = [problem]
    storage_reference = " ".join((storage_reference or "").split())
    if len(storage_reference) > 200:
        errors["storage_reference"] = ["This must be 200 characters or fewer"]
    if child is not None and not policy.can_record_evidence(actor, child):
        errors["child"] = ["Enter the number of a child you work with"]
    if person is not None and (
        person.kind != "person" or not policy.can_view_intelligence(actor, person)
    ):
        errors["person"] = ["Enter the number of a person of concern"]
    if child is None and person is None and not {"child", "person"} & set(errors):
        errors["person"] = ["Say who it is about: the child, the person of concern, or both"]
    if errors:
        raise DomainError(errors)
    assert collected_on is not None and actor.agency is not None
    item = EvidenceItem(
        description=description,
        kind=kind,
        collected_on=collected_on,
        collected_by=collected_by or actor.agency,
        child=child,
        person=person,
        action=action if action is not None else disruption.action if disruption else None,
        disruption=disruption,
        storage_reference=storage_reference,
        created_by=actor,
    )
    item._history_user = actor  # type: ignore[attr-defined]
    item.save()
    return item


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------


def _recipients(disruption: Disruption) -> list[User]:
    from mace.accounts.models import User

    managers = User.objects.filter(
        agency_id=disruption.lead_agency_id,
        is_active=True,
        role_assignments__role=Role.AGENCY_MANAGER,
    )
    people = list(managers.distinct())
    if disruption.created_by.is_active:
        people.append(disruption.created_by)
    return people


def _remind(disruption: Disruption, *, field: str, marker: str, words: str) -> bool:
    day: dt.date = getattr(disruption, field)
    # Claim the reminder first, so two sweeps at once send it once.
    claimed = (
        Disruption.objects.filter(pk=disruption.pk)
        .filter(Q(**{f"{marker}__isnull": True}) | ~Q(**{marker: day}))
        .update(**{marker: day})
    )
    if not claimed:
        return False
    # No case details: the message may go by email (mace.core.notifications).
    notify(
        recipients=_recipients(disruption),
        kind="disruption",
        message=f"Disruption ({disruption.get_type_display().lower()}) {words} {day:%-d %B %Y}",
        url=disruption.get_absolute_url(),
    )
    return True


def disruption_reminders_send(today: dt.date | None = None) -> dict[str, int]:
    """Tell the lead agency's managers and the person who recorded it when a disruption that is
    not over expires within 14 days or is due for review within 7 (or either date has passed),
    once for each date. Idempotent: run it daily (`mace disruption_reminders`)."""
    today = today or timezone.localdate()
    live = Disruption.objects.exclude(status__in=CLOSED_STATUSES).select_related(
        "created_by", "lead_agency"
    )
    sent = {"expiry": 0, "review": 0}
    expiring = live.filter(
        expires_on__isnull=False, expires_on__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
    )
    for disruption in expiring:
        if disruption.expiry_reminded_for == disruption.expires_on:
            continue
        words = "expired on" if disruption.expires_on < today else "expires on"  # type: ignore[operator]
        if _remind(disruption, field="expires_on", marker="expiry_reminded_for", words=words):
            sent["expiry"] += 1
    reviewing = live.filter(
        review_on__isnull=False, review_on__lte=today + dt.timedelta(days=REVIEW_NOTICE_DAYS)
    )
    for disruption in reviewing:
        if disruption.review_reminded_for == disruption.review_on:
            continue
        words = "is due for review on"
        if _remind(disruption, field="review_on", marker="review_reminded_for", words=words):
            sent["review"] += 1
    return sent
