"""Opening a notification (mace.core.notifications). The drafts' endpoints are draft_views."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from mace.core.models import Notification
from mace.core.notifications import notification_open

if TYPE_CHECKING:
    from mace.accounts.models import User


def notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one of the user's own notifications: it is marked read and they go where it points
    (or to their home page). Another user's notification is not found."""
    try:
        opened = notification_open(user=cast("User", request.user), notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("No notification found") from None
    target = opened.url if url_has_allowed_host_and_scheme(opened.url, allowed_hosts=None) else ""
    # The home page is the one people land on after signing in.
    return redirect(target or settings.LOGIN_REDIRECT_URL)
