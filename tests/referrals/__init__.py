"""Tests of referrals between agencies and services. Helpers shared by these files live here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mace.accounts.choices import Role
from mace.concerns.models import Concern
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.referrals.models import Referral, ReferralService
from mace.referrals.services import referral_send
from tests.clock import today
from tests.factories import UserFactory, agency

CARE = "CARE (Children at Risk of Exploitation)"


def service(code: str) -> ReferralService:
    return ReferralService.objects.get(code=code)


def care_staff(role: str = Role.SERVICE_WORKER, **fields: Any) -> Any:
    return UserFactory(agency=agency(CARE), roles=[role], **fields)


def a_concern(actor: Any, child: Any) -> Concern:
    return concern_record(
        actor=actor,
        child=child,
        narrative="Seen with older males in a car outside school (fictional).",
        indicators=[
            IndicatorSeen("multiple-phones", today() - dt.timedelta(days=2), "observed", "")
        ],
        routes=[RouteTo("care", today() + dt.timedelta(days=14))],
    )


def refer(actor: Any, child: Any, code: str = "care", **overrides: Any) -> Referral:
    """A referral with consent given on the public-task basis, unless told otherwise."""
    values: dict[str, Any] = {
        "lawful_basis": "public_task",
        "consent": "given",
        "reason": "Would benefit from one-to-one work (fictional).",
    } | overrides
    return referral_send(actor=actor, child=child, service=service(code), **values)
