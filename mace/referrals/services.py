"""What people do with referrals: send one, and, in the receiving service, acknowledge, accept,
decline or pass it on. Each service takes the acting user, asks the access policy, validates
(DomainError with field errors), writes with history (the change log) and puts the step on the
child's chronology; the people who need to know are told in the platform and by email, and the
email never carries case details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mace.access import policy
from mace.core.bounds import text_errors
from mace.core.concurrency import save_versioned
from mace.core.errors import DomainError, require
from mace.core.notifications import notify
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.models import ChronologyEntry
from mace.people.services import chronology_add, involvement_ensure
from mace.referrals.choices import Consent, LawfulBasis, ReferralStatus
from mace.referrals.models import Referral, ReferralService
from mace.referrals.selectors import NOT_YOURS

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.concerns.models import Concern
    from mace.people.models import Child


def service_for(kind: str, child: Child) -> ReferralService | None:
    """The active service of this kind that takes referrals for the child's area: the one that
    names the area, else the one that covers every area no other one names."""
    services = ReferralService.objects.filter(kind=kind, active=True).prefetch_related("areas")
    general = None
    for service in services:
        area_ids = {area.pk for area in service.areas.all()}
        if child.area_id is not None and child.area_id in area_ids:
            return service
        if not area_ids and general is None:
            general = service
    return general


def _sharing_errors(
    *, lawful_basis: str, consent: str, consent_note: str, reason: str, reason_needed: bool
) -> dict[str, list[str]]:
    errors = text_errors(
        long={"reason": (reason, "The reason"), "consent_note": (consent_note, "The explanation")}
    )
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = ["Choose the lawful basis for sharing"]
    if consent not in Consent.values:
        errors["consent"] = ["Say whether the child or family agreed to the referral"]
    elif consent != Consent.GIVEN and not consent_note.strip() and "consent_note" not in errors:
        errors["consent_note"] = [
            "Say why consent was not sought"
            if consent == Consent.NOT_SOUGHT
            else "Say why the referral is made without the child's or family's agreement"
        ]
    if consent == Consent.REFUSED and lawful_basis == LawfulBasis.CONSENT:
        errors.setdefault("lawful_basis", []).append(
            "Consent cannot be the lawful basis when the child or family did not agree"
        )
    if reason_needed and not reason.strip() and "reason" not in errors:
        errors["reason"] = ["Say why you are referring the child"]
    return errors


def _attachments_checked(
    actor: User, child: Child, attachments: Sequence[ChronologyEntry], errors: dict[str, list[str]]
) -> list[ChronologyEntry]:
    ids = {entry.pk for entry in attachments}
    entries = list(ChronologyEntry.objects.filter(pk__in=ids, child=child).select_related("child"))
    if len(entries) != len(ids) or not all(policy.can_read_entry(actor, e) for e in entries):
        errors["attachments"] = [
            "Attach only entries from this child's chronology that you can read"
        ]
    return entries


def _send(
    *,
    actor: User,
    child: Child,
    service: ReferralService,
    concern: Concern | None,
    reason: str,
    lawful_basis: str,
    consent: str,
    consent_note: str,
    attachments: Sequence[ChronologyEntry],
    title: str,
) -> Referral:
    now = timezone.now()
    assert actor.agency is not None
    referral = Referral(
        child=child,
        service=service,
        concern=concern,
        referrer=actor,
        from_agency=actor.agency,
        reason=reason.strip(),
        lawful_basis=lawful_basis,
        consent=consent,
        consent_note=consent_note.strip() if consent != Consent.GIVEN else "",
        sent_at=now,
        due_on=service.due_on(timezone.localdate(now)),
    )
    referral._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise DomainError(
            f"{child.full_name} already has a referral waiting with {service.name}", "service"
        ) from None
    referral.attachments.set(attachments)
    chronology_add(actor=actor, child=child, kind=EntryKind.REFERRAL, title=title, concern=concern)
    notify(
        recipients=policy.referral_receivers(service),
        kind="referral_received",
        message=f"A new referral is waiting for {service.name}, due by {referral.due_on:%d %B %Y}",
    )
    return referral


@transaction.atomic
def referral_send(
    *,
    actor: User,
    child: Child,
    service: ReferralService,
    lawful_basis: str,
    consent: str,
    consent_note: str = "",
    reason: str = "",
    concern: Concern | None = None,
    attachments: Sequence[ChronologyEntry] = (),
) -> Referral:
    """Refer the child to the service, sharing the concern (when there is one), the child's
    identifying details and the chronology entries the referrer chose to attach."""
    require(policy.can_refer_child(actor, child), "You cannot refer this child", not_found=True)
    errors = _sharing_errors(
        lawful_basis=lawful_basis,
        consent=consent,
        consent_note=consent_note,
        reason=reason,
        reason_needed=concern is None,
    )
    if not service.active:
        errors["service"] = [f"{service.name} is not taking referrals"]
    if concern is not None and concern.child_id != child.pk:
        errors["concern"] = ["The concern must be about this child"]
    entries = _attachments_checked(actor, child, attachments, errors)
    if errors:
        raise DomainError(errors)
    return _send(
        actor=actor,
        child=child,
        service=service,
        concern=concern,
        reason=reason,
        lawful_basis=lawful_basis,
        consent=consent,
        consent_note=consent_note,
        attachments=entries,
        title=f"Referred to {service.name}",
    )


def _acting(actor: User, referral: Referral) -> None:
    require(policy.can_view_referral(actor, referral), "No such referral", not_found=True)
    require(policy.receives_for(actor, referral.service), NOT_YOURS)
    if not referral.is_open:
        raise DomainError(f"This referral has already been {referral.get_status_display().lower()}")


def _step(
    actor: User, referral: Referral, version: int, *, title: str, body: str = "", **changes: Any
) -> Referral:
    saved = save_versioned(
        Referral,
        referral.pk,
        version,
        history_user=actor,
        **changes,
    )
    chronology_add(
        actor=actor, child=referral.child, kind=EntryKind.REFERRAL, title=title, body=body
    )
    return saved


@transaction.atomic
def referral_acknowledge(*, actor: User, referral: Referral, version: int) -> Referral:
    """The service has the referral and is looking at it."""
    _acting(actor, referral)
    if referral.status == ReferralStatus.ACKNOWLEDGED:
        raise DomainError("This referral has already been acknowledged")
    now = timezone.now()
    return _step(
        actor,
        referral,
        version,
        title=f"Referral acknowledged by {referral.service.name}",
        status=ReferralStatus.ACKNOWLEDGED,
        acknowledged_at=now,
        acknowledged_by=actor,
    )


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, version: int) -> Referral:
    """The service takes the child on: its agency becomes involved with the child (which opens
    the child's record to it), with the referral as the reason."""
    _acting(actor, referral)
    now = timezone.now()
    saved = _step(
        actor,
        referral,
        version,
        title=f"Referral accepted by {referral.service.name}",
        status=ReferralStatus.ACCEPTED,
        decided_at=now,
        decided_by=actor,
        acknowledged_at=referral.acknowledged_at or now,
        acknowledged_by=referral.acknowledged_by or actor,
    )
    involvement_ensure(
        actor=actor,
        child=referral.child,
        agency=referral.service.agency,
        reason=InvolvementReason.REFERRAL,
    )
    notify(
        recipients=[referral.referrer],
        kind="referral_accepted",
        message=f"{referral.service.name} accepted your referral",
    )
    return saved


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, version: int, reason: str) -> Referral:
    """The service will not take the child on; the referrer is told why."""
    _acting(actor, referral)
    errors = text_errors(long={"decline_reason": (reason, "The reason")})
    if not reason.strip() and not errors:
        errors["decline_reason"] = ["Say why the referral is declined: the referrer is told"]
    if errors:
        raise DomainError(errors)
    now = timezone.now()
    saved = _step(
        actor,
        referral,
        version,
        title=f"Referral declined by {referral.service.name}",
        body=reason.strip(),
        status=ReferralStatus.DECLINED,
        decline_reason=reason.strip(),
        decided_at=now,
        decided_by=actor,
    )
    notify(
        recipients=[referral.referrer],
        kind="referral_declined",
        message=f"{referral.service.name} declined your referral: open it to see why",
    )
    return saved


@transaction.atomic
def referral_pass_on(
    *, actor: User, referral: Referral, version: int, to: ReferralService, reason: str
) -> Referral:
    """The service passes the referral on to another service: a new referral with what was
    shared, on the same lawful basis and consent, sent by this service's agency. The referrer is
    told where it went."""
    _acting(actor, referral)
    errors = text_errors(long={"reason": (reason, "The reason")})
    if to.pk == referral.service_id:
        errors["to"] = ["Choose a different service to pass the referral on to"]
    elif not to.active:
        errors["to"] = [f"{to.name} is not taking referrals"]
    if not reason.strip() and "reason" not in errors:
        errors["reason"] = ["Say why the referral is passed on"]
    if errors:
        raise DomainError(errors)
    now = timezone.now()
    passed = _send(
        actor=actor,
        child=referral.child,
        service=to,
        concern=referral.concern,
        reason=reason,
        lawful_basis=referral.lawful_basis,
        consent=referral.consent,
        consent_note=referral.consent_note,
        attachments=list(referral.attachments.all()),
        title=f"Referral passed on by {referral.service.name} to {to.name}",
    )
    saved = save_versioned(
        Referral,
        referral.pk,
        version,
        history_user=actor,
        status=ReferralStatus.PASSED_ON,
        passed_to=passed,
        decided_at=now,
        decided_by=actor,
    )
    notify(
        recipients=[referral.referrer],
        kind="referral_passed_on",
        message=f"{referral.service.name} passed your referral on to {to.name}",
    )
    return saved


def overdue_reminders(*, today: dt.date | None = None) -> int:
    """Tell each service's managers, once a day, about its referrals past their due date that
    nobody has acted on. Safe to run more than once a day: a referral is counted once a day.
    Answers how many referrals were overdue and not yet reminded about today."""
    today = today or timezone.localdate()
    reminded = 0
    services = ReferralService.objects.filter(
        referrals__status__in=[ReferralStatus.WAITING, ReferralStatus.ACKNOWLEDGED],
        referrals__due_on__lt=today,
    ).distinct()
    for service in services:
        with transaction.atomic():
            due = list(
                Referral.objects.select_for_update(skip_locked=True)
                .open()
                .filter(service=service, due_on__lt=today)
                .exclude(reminded_on=today)
                .values_list("pk", flat=True)
            )
            if not due:
                continue
            Referral.objects.filter(pk__in=due).update(reminded_on=today)
            count = len(due)
            notify(
                recipients=policy.referral_managers(service),
                kind="referrals_overdue",
                message=(
                    f"{count} referral{'s' if count != 1 else ''} to {service.name} "
                    f"{'are' if count != 1 else 'is'} past the response date"
                ),
            )
            reminded += count
    return reminded


__all__ = [
    "overdue_reminders",
    "referral_accept",
    "referral_acknowledge",
    "referral_decline",
    "referral_pass_on",
    "referral_send",
    "service_for",
]
