"""The concerns API. A concern is part of its child's record, so who may read it is decided
through the child (child_read), and the read or refusal is logged as a look at that concern.
Recording a concern is POST /children/{id}/concerns (mace.people.api), where the child is."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from ninja import Router

from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.services import access_record, child_read
from mace.accounts.requests import AuthedRequest
from mace.concerns.models import Concern, ConcernIndicator
from mace.concerns.schemas import ConcernOut
from mace.core.schemas import Id
from mace.people.restricted import withhold
from mace.people.schemas import ERROR_RESPONSES

router = Router(tags=["concerns"])


def concerns_shown() -> QuerySet[Concern]:
    """Concerns with everything ConcernOut shows, in a fixed number of queries."""
    return Concern.objects.select_related(
        "child", "author", "agency", "definition"
    ).prefetch_related(
        Prefetch("indicators", queryset=ConcernIndicator.objects.select_related("indicator")),
        "routes",
    )


@router.get(
    "/{concern_id}", response={200: ConcernOut, **ERROR_RESPONSES}, summary="Read a concern"
)
def concern_detail(request: AuthedRequest, concern_id: Id) -> Concern:
    """404 for a concern about a child you may not see, as for one that does not exist."""
    user = request.auth  # type: ignore[attr-defined]
    child_id = Concern.objects.filter(pk=concern_id).values_list("child_id", flat=True).first()
    if child_id is None:
        # Probing for concern ids is worth knowing about too, so the miss is logged.
        access_record(
            user=user,
            child_id=None,
            action=AccessAction.VIEW_CONCERN,
            outcome=AccessOutcome.REFUSED,
            channel=AccessChannel.API,
            path=request.path,
            detail=f"No concern {concern_id}",
        )
        raise Http404("No concern found")
    child = child_read(
        user=user,
        child_id=child_id,
        action=AccessAction.VIEW_CONCERN,
        channel=AccessChannel.API,
        path=request.path,
    )
    concern = concerns_shown().get(pk=concern_id)
    # A restricted concern the reader may not read shows only that it exists.
    withhold(user, child, [concern])
    return concern
