"""Reading a child's record goes through here: the policy decides, and the access event is
written, for the allowed read and for the refusal alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from mace.access import policy
from mace.access.choices import (
    AccessAction,
    AccessChannel,
    AccessOutcome,
    BreakGlassReason,
    BreakGlassReview,
)
from mace.access.models import AccessEvent, BreakGlassGrant
from mace.core.concurrency import save_versioned
from mace.core.errors import DomainError, Refused
from mace.core.requestid import current_request_id

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child


def access_record(
    *,
    user: User | None,
    child_id: int | None,
    action: str,
    outcome: str,
    channel: str,
    path: str = "",
    detail: str = "",
    obj: Model | None = None,
) -> AccessEvent:
    """Write one access event. `obj` is the record looked at when it is not the child's record
    itself (an episode, an assessment, a person of concern)."""
    from mace.people.models import Child

    # A refused look at an id that does not exist still leaves a row, with no child to point at.
    if child_id is not None and not Child.objects.filter(pk=child_id).exists():
        detail = (detail + f" (no child {child_id})").strip()
        child_id = None
    return AccessEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        child_id=child_id,
        action=action,
        outcome=outcome,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        channel=channel,
        path=path[:300],
        request_id=current_request_id.get(),
        detail=detail[:300],
    )


def child_read(
    *,
    user: User | None,
    child_id: int,
    action: str = AccessAction.VIEW,
    channel: str = AccessChannel.PAGE,
    path: str = "",
) -> Child:
    """The child the user asked to read, with the read recorded; 404 (also recorded) if the
    policy does not let them see it."""
    try:
        child = policy.visible_child_or_404(user, child_id)
    except Http404:
        access_record(
            user=user,
            child_id=child_id,
            action=action,
            outcome=AccessOutcome.REFUSED,
            channel=channel,
            path=path,
        )
        raise
    access_record(
        user=user,
        child_id=child.pk,
        action=action,
        outcome=AccessOutcome.ALLOWED,
        channel=channel,
        path=path,
    )
    return child


def children_listed(
    *,
    user: User,
    children: Iterable[Child],
    channel: str,
    path: str = "",
    action: str = AccessAction.LIST,
) -> None:
    """Record that these children were named on a page or in an answer the user saw: one event
    per child (however often the page names them), all written in one insert through the chain.
    `action` says how, when it is not a list or search result (AccessAction.AUDIT for the
    audit's own pages, say)."""
    named = {child.pk: child for child in children}
    if not named:
        return
    request_id = current_request_id.get()
    AccessEvent.objects.bulk_create(
        AccessEvent(
            user=user,
            child_id=child_id,
            action=action,
            outcome=AccessOutcome.ALLOWED,
            channel=channel,
            path=path[:300],
            request_id=request_id,
        )
        for child_id in named
    )


# ---------------------------------------------------------------------------------------------
# Break-glass: emergency access to a child's record, told to the involved agencies' managers
# and reviewed afterwards.
# ---------------------------------------------------------------------------------------------

# Long enough that a reviewer can judge it afterwards ("missing" alone is not a reason).
BREAK_GLASS_REASON_MIN = 20


def _break_glass_reviewers(child: Child) -> list[User]:
    """The agency managers of every agency involved with the child now; the data protection
    officers when no involved agency has a manager, so nobody's use goes unseen."""
    from mace.accounts.choices import Role
    from mace.accounts.models import User as UserModel
    from mace.people.models import AgencyInvolvement

    involved = AgencyInvolvement.objects.filter(child=child, ended_at__isnull=True).values(
        "agency_id"
    )
    active = UserModel.objects.filter(is_active=True)
    managers = list(
        active.filter(agency_id__in=involved, role_assignments__role=Role.AGENCY_MANAGER)
    )
    if managers:
        return managers
    return list(active.filter(role_assignments__role=Role.DATA_PROTECTION))


# What an identifier that may not be told about answers: the same words whether no child has it,
# it is a MACE reference, or the date of birth is not theirs, so the answer reveals nothing.
BREAK_GLASS_NO_RECORD = (
    "No record has that identifier with that date of birth. Check both, or search for the child "
    "by name"
)


def break_glass_request(
    *,
    actor: User,
    identifier: str,
    dob: date | None,
    reason_category: str,
    reason: str,
    path: str = "",
) -> BreakGlassGrant:
    """Emergency read-only access to the child with this exact strong identifier (NHS number,
    UPN, local authority or police reference) and this date of birth, at once, for
    MACE_BREAK_GLASS_HOURS, on a stated reason. Never on a MACE reference or a name: references
    are sequential. The involved agencies' managers are told and every use waits for their
    review. Asking again while a grant lasts returns that grant. An identifier that matches a
    child but not with this date of birth answers as an unknown one does, and the look is
    logged as a refused access."""
    from mace.people.lookups import children_by_identifier, children_by_strong_identifier

    if not policy.can_request_break_glass(actor):
        raise Refused("Your role does not include emergency access to children's records")
    errors: dict[str, list[str]] = {}
    identifier = (identifier or "").strip()
    reason = (reason or "").strip()
    child_ids = (
        {child_id for child_id, _ in children_by_strong_identifier(identifier, dob)}
        if identifier
        else set()
    )
    if not identifier:
        errors["identifier"] = [
            "Enter the child's NHS number, UPN, local authority reference or police reference"
        ]
    if dob is None:
        errors["dob"] = ["Enter the child's date of birth"]
    if identifier and dob is not None and not child_ids:
        errors["identifier"] = [BREAK_GLASS_NO_RECORD]
        # The look is logged against every child the identifier matches, told or not, so a
        # reviewer sees someone trying references or dates of birth.
        for child_id in sorted({cid for cid, _ in children_by_identifier(identifier)}):
            access_record(
                user=actor,
                child_id=child_id,
                action=AccessAction.BREAK_GLASS,
                outcome=AccessOutcome.REFUSED,
                channel=AccessChannel.PAGE,
                path=path,
                detail="Emergency access asked without a strong identifier and matching date "
                "of birth: nothing said",
            )
    elif len(child_ids) > 1:
        errors["identifier"] = [
            "More than one record has that identifier. Contact the MACE coordinator for your "
            "quadrant, who can see which child you mean"
        ]
    if reason_category not in BreakGlassReason.values:
        errors["reason_category"] = ["Choose why you need emergency access"]
    if len(reason) < BREAK_GLASS_REASON_MIN:
        errors["reason"] = [
            f"Explain why you need to see this record now, in at least {BREAK_GLASS_REASON_MIN} "
            "characters: a manager will review it"
        ]
    if errors:
        raise DomainError(errors)
    return _break_glass_grant(
        actor=actor,
        child_id=child_ids.pop(),
        reason_category=reason_category,
        reason=reason,
        path=path,
    )


@transaction.atomic
def _break_glass_grant(
    *, actor: User, child_id: int, reason_category: str, reason: str, path: str
) -> BreakGlassGrant:
    """The grant itself, its access event and the reviewers' notice, in one transaction (the
    refusals above are written outside it, so a refusal's log is never rolled back)."""
    from mace.core.notifications import notify
    from mace.people.models import Child as ChildModel

    child = ChildModel.objects.select_related("area__quadrant").get(pk=child_id)
    if policy.can_view_child(actor, child):
        existing = policy.active_break_glass_grants(actor).filter(child=child).first()
        if existing is not None:
            return existing
        raise DomainError(
            {"identifier": ["You can already see this child's record: search for them by name"]}
        )
    assert actor.agency is not None
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        child=child,
        agency=actor.agency,
        reason_category=reason_category,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=settings.MACE_BREAK_GLASS_HOURS),
    )
    access_record(
        user=actor,
        child_id=child.pk,
        action=AccessAction.BREAK_GLASS,
        outcome=AccessOutcome.ALLOWED,
        channel=AccessChannel.PAGE,
        path=path,
        detail=f"{grant.get_reason_category_display()}: {reason}",
        obj=grant,
    )
    notify(
        recipients=_break_glass_reviewers(child),
        kind="break_glass",
        message=(
            f"{actor.display_name} ({actor.agency}) took emergency access to the record of a "
            "child your agency works with. Review it."
        ),
        url=reverse("access:break_glass_review", args=[grant.pk]),
    )
    return grant


@transaction.atomic
def break_glass_end(*, actor: User, grant: BreakGlassGrant) -> BreakGlassGrant:
    """Give emergency access up before it runs out (only the person who holds it)."""
    if grant.user_id != actor.pk:
        raise Refused("Only the person who holds emergency access can give it up")
    if not grant.is_active:
        return grant
    grant.ended_at = timezone.now()
    grant._history_user = actor  # type: ignore[attr-defined]
    grant.save(update_fields=["ended_at"])
    return grant


@transaction.atomic
def break_glass_review(
    *, actor: User, grant: BreakGlassGrant, version: int, outcome: str, note: str
) -> BreakGlassGrant:
    """A manager (not the person who used it) records that a use was appropriate, or refers it
    on for investigation with a note saying why. A stale version (someone reviewed it meanwhile)
    raises ConflictError and writes nothing."""
    if not policy.can_review_break_glass(actor, grant):
        raise Refused("You cannot review this use of emergency access")
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in (BreakGlassReview.APPROPRIATE, BreakGlassReview.REFERRED):
        errors["outcome"] = ["Choose whether the use was appropriate or needs referring on"]
    elif outcome == BreakGlassReview.REFERRED and not note:
        errors["note"] = ["Say why you are referring it on, and to whom"]
    if errors:
        raise DomainError(errors)
    return save_versioned(
        BreakGlassGrant.objects.all(),
        grant.pk,
        version,
        history_user=actor,
        review_status=outcome,
        review_note=note,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )


def break_glass_use(grant: BreakGlassGrant) -> QuerySet[AccessEvent]:
    """What the holder looked at of the child's record while the grant lasted, for its review."""
    return AccessEvent.objects.filter(
        user_id=grant.user_id,
        child_id=grant.child_id,
        at__gte=grant.granted_at,
        at__lte=grant.ends_at,
    ).order_by("at", "id")
