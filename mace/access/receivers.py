"""What the access app records when core announces it (mace.core.signals); connected in
AccessConfig.ready."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.dispatch import receiver
from django.http import HttpRequest

from mace.access.audit import security_event_record
from mace.access.choices import SecurityAction
from mace.core.signals import rate_limited

if TYPE_CHECKING:
    from mace.accounts.models import User


@receiver(rate_limited)
def rate_limited_record(
    sender: Any, *, request: HttpRequest, user: User | None, detail: str, **kwargs: Any
) -> None:
    security_event_record(
        action=SecurityAction.RATE_LIMITED, user=user, request=request, detail=detail
    )
