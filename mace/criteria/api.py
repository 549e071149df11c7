"""The MACE criteria API: a quadrant's list of the children who meet them
(`GET /api/v1/mace/eligible?quadrant=North`) and one child's standing. The list is for the
quadrant's MACE chairs and coordinator; a child's standing for whoever may see the child."""

from __future__ import annotations

from ninja import Query, Router

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read, children_listed
from mace.accounts.requests import AuthedRequest
from mace.core.errors import DomainError, Refused
from mace.core.schemas import Id
from mace.criteria import selectors
from mace.criteria.schemas import ChildCriteriaOut, EligibleListOut, EligibleQuery
from mace.people.schemas import ERROR_RESPONSES

router = Router(tags=["MACE criteria"])


@router.get(
    "/eligible",
    response={200: EligibleListOut, **ERROR_RESPONSES},
    summary="The children of a quadrant who meet the MACE criteria",
)
def eligible(request: AuthedRequest, params: Query[EligibleQuery]) -> EligibleListOut:
    """Newest change first, each with the rules it met and the records they rest on, the last
    assessment's level and date, recent missing episodes and whether the child is already on a
    MACE agenda. For the quadrant's MACE chairs and coordinator (403 for anyone else)."""
    user = request.user
    quadrant = selectors.quadrant_by_name(params.quadrant)
    if quadrant is None:
        raise DomainError({"quadrant": ["Choose a quadrant: Mid, North, South or West"]})
    if not policy.can_view_mace_list(user, quadrant.pk):
        raise Refused(f"Only the {quadrant.name} quadrant's MACE chairs and coordinator")
    rows = selectors.quadrant_list(quadrant)
    page = list(rows[params.offset : params.offset + params.limit])
    children_listed(
        user=user,
        children=[row.child for row in page],
        channel=AccessChannel.API,
        path=request.path,
    )
    return EligibleListOut.model_validate(
        {
            "quadrant": quadrant.name,
            "count": rows.count(),
            "limit": params.limit,
            "offset": params.offset,
            "items": page,
        }
    )


@router.get(
    "/children/{child_id}/criteria",
    response={200: ChildCriteriaOut, **ERROR_RESPONSES},
    summary="Whether a child meets the MACE criteria, and why",
)
def child_criteria(request: AuthedRequest, child_id: Id) -> ChildCriteriaOut:
    child = child_read(
        user=request.user,
        child_id=child_id,
        action=AccessAction.VIEW,
        channel=AccessChannel.API,
        path=request.path,
    )
    eligibility = selectors.child_eligibility(child)
    return ChildCriteriaOut(
        child_id=child.pk,
        meets_criteria=eligibility is not None,
        quadrant=eligibility.quadrant.name if eligibility and eligibility.quadrant else None,
        reasons=eligibility.reasons if eligibility else [],
        eligible_since=eligibility.eligible_since if eligibility else None,
    )
