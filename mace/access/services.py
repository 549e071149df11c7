"""Reading a child's record goes through here: the policy decides, and the access event is
written, for the allowed read and for the refusal alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Model
from django.http import Http404

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.models import AccessEvent
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


def children_listed(*, user: User, children: Iterable[Child], channel: str, path: str = "") -> None:
    """Record that these children appeared in a list or search result the user saw."""
    from mace.core.requestid import current_request_id as rid

    events = [
        AccessEvent(
            user=user,
            child_id=child.pk,
            action=AccessAction.LIST,
            outcome=AccessOutcome.ALLOWED,
            channel=channel,
            path=path[:300],
            request_id=rid.get(),
        )
        for child in children
    ]
    AccessEvent.objects.bulk_create(events)
