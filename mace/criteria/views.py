"""The quadrant's MACE list: the children who meet the MACE criteria, with why."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from mace.access import policy
from mace.access.choices import AccessChannel
from mace.access.services import children_listed
from mace.accounts.requests import AuthedRequest
from mace.core.errors import Refused, require
from mace.criteria import selectors
from mace.reference.models import Quadrant

PAGE_SIZE = 50


def index(request: AuthedRequest) -> HttpResponse:
    """A MACE chair or coordinator goes to their own quadrant's list."""
    quadrant_id = policy.mace_panel_quadrant_id(request.user)
    if quadrant_id is None:
        raise Refused("Only MACE chairs and coordinators have a MACE list")
    quadrant = Quadrant.objects.get(pk=quadrant_id)
    return redirect("criteria:quadrant_list", quadrant=quadrant.code)


def quadrant_list(request: AuthedRequest, quadrant: str) -> HttpResponse:
    user = request.user
    found = selectors.quadrant_by_name(quadrant)
    if found is None:
        raise Http404("No such quadrant")
    require(
        policy.can_view_mace_list(user, found.pk),
        f"Only the {found.name} quadrant's MACE chairs and coordinator",
    )
    page = Paginator(selectors.quadrant_list(found), PAGE_SIZE).get_page(request.GET.get("page"))
    children_listed(
        user=user,
        children=[row.child for row in page.object_list],
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    return render(request, "criteria/list.html", {"quadrant": found, "page": page})
