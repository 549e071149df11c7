"""The endpoints drafts.js talks to while someone types a long form, and the "Discard draft"
button. Signed-in users only (LoginRequiredMiddleware sends anyone else to sign in, which the
script reads as "signed out"); CSRF is enforced as on every POST."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mace.core.drafts import (
    MAX_DRAFT_BYTES,
    DraftTooLarge,
    draft_discard,
    draft_key_allowed,
    draft_save,
)
from mace.core.errors import DomainError

if TYPE_CHECKING:
    from mace.accounts.models import User


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_DRAFT_BYTES


@require_POST
def save(request: HttpRequest, key: str) -> HttpResponse:
    """Keep the draft: 204. A key the user may not use answers 404, as if there were no such
    form (so it says nothing about whether a child exists); a body over the limit 413."""
    user = cast("User", request.user)
    if not draft_key_allowed(user, key):
        raise Http404("No such form")
    # Checked before the body is read, so an oversized body is never loaded into memory.
    if _too_large(request):
        return HttpResponse("The draft is too large to keep", status=413)
    # Not a page: drafts.js reads the answer's status, so each error is its own plain response.
    try:
        body = json.loads(request.body or b"{}")
        draft_save(user=user, key=key, data=body.get("data") if isinstance(body, dict) else None)
    except ValueError:
        return HttpResponse('Send the draft as JSON: {"data": {...}}', status=400)
    except DraftTooLarge:
        return HttpResponse("The draft is too large to keep", status=413)
    except DomainError as error:
        return HttpResponse(str(error), status=400)
    return HttpResponse(status=204)


@require_POST
def discard(request: HttpRequest, key: str) -> HttpResponse:
    """Delete the user's draft and go back to the (now empty) form."""
    draft_discard(user=cast("User", request.user), key=key)
    messages.info(request, "Draft discarded")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    # Elsewhere: the home page, where people land after signing in.
    return redirect(settings.LOGIN_REDIRECT_URL)
