"""Reads of referrals, each through the access policy: a service's inbox, what an agency sent,
and one referral with what was shared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from mace.access import policy
from mace.access.choices import AccessOutcome
from mace.access.services import access_record
from mace.concerns.models import ConcernIndicator
from mace.core.errors import require
from mace.referrals.models import Referral

if TYPE_CHECKING:
    from mace.accounts.models import User

NOT_YOURS = "Only the service the referral was sent to can act on it"
# Due within this many days: "due soon" on the inbox.
DUE_SOON_DAYS = 2


def _listed(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related("child", "service", "from_agency", "referrer")


def received(user: User) -> QuerySet[Referral]:
    """The open referrals to the services the user works for, soonest due first (the inbox's
    index: service, due date, id)."""
    if not policy.receives_referrals(user):
        return Referral.objects.none()
    assert user.agency_id is not None
    return _listed(
        Referral.objects.open().filter(service__agency_id=user.agency_id).order_by("due_on", "id")
    )


def sent(user: User) -> QuerySet[Referral]:
    """Every referral the user's agency sent, newest first."""
    if not policy.sees_case_content(user):
        return Referral.objects.none()
    assert user.agency_id is not None
    return _listed(Referral.objects.filter(from_agency_id=user.agency_id)).order_by(
        "-sent_at", "-id"
    )


def referral_read(
    user: User, pk: int, *, action: str, channel: str, path: str, acting: bool = False
) -> Referral:
    """One referral with what was shared, if the user may see it (and, `acting`, respond to it),
    the look logged against the child (`action`: viewing it, or acting on it); 404 to someone
    who may not see it, as if there were none, and 403 to a reader who may not respond."""
    try:
        referral = _loaded(user, pk)
    except Referral.DoesNotExist:
        raise Http404("No referral found") from None
    require(not acting or policy.can_act_on_referral(user, referral), NOT_YOURS)
    access_record(
        user=user,
        child_id=referral.child_id,
        action=action,
        outcome=AccessOutcome.ALLOWED,
        channel=channel,
        path=path,
        obj=referral,
    )
    return referral


def _loaded(user: User, pk: int) -> Referral:
    """The referral with what was shared (the concern's indicators, the attached entries)."""
    return (
        Referral.objects.visible_to(user)
        .select_related(
            "child__area",
            "service__agency",
            "from_agency",
            "referrer",
            "concern__definition",
            "acknowledged_by",
            "decided_by",
            "passed_to__service",
        )
        .prefetch_related(
            Prefetch(
                "concern__indicators",
                queryset=ConcernIndicator.objects.select_related("indicator").order_by("seen_on"),
            ),
            "attachments",
            "child__identifiers",
        )
        .get(pk=pk)
    )
