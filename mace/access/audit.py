"""Writing the security and export logs. Every account event (sign-in, lockout, two-factor,
tokens) goes through security_event_record and every export of case data through
export_record, so each lands in its append-only, hash-chained log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mace.access.models import ExportEvent, SecurityEvent
from mace.core.requestid import current_request_id

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mace.accounts.models import User


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def security_event_record(
    *,
    action: str,
    user: User | None = None,
    actor: User | None = None,
    username: str = "",
    request: HttpRequest | None = None,
    detail: str = "",
) -> SecurityEvent:
    """`user` is whose account it was; `actor` who did it, when someone else did (an
    administrator resetting a second factor, say). `username` is kept as typed for failures."""
    return SecurityEvent.objects.create(
        action=action,
        user=user,
        actor=actor,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip_address=_client_ip(request),
        request_id=current_request_id.get(),
        detail=detail[:300],
    )


def export_record(
    *,
    user: User,
    what: str,
    reason: str,
    format: str,
    row_count: int,
    child_ids: Iterable[int] = (),
    parameters: dict[str, Any] | None = None,
) -> ExportEvent:
    """Case data is leaving the platform: record what, why, how much and whose."""
    return ExportEvent.objects.create(
        user=user,
        what=what[:200],
        reason=reason,
        format=format,
        row_count=row_count,
        child_ids=sorted(set(child_ids)),
        parameters=parameters or {},
        request_id=current_request_id.get(),
    )
