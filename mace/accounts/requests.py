"""The request a signed-in page or API route receives. LoginRequiredMiddleware (pages) and the
API's authentication (mace.api) answer every other request before a view runs, so a view
may annotate `request: AuthedRequest` and use `request.user` as a `User`."""

from __future__ import annotations

from django.http import HttpRequest

from mace.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
