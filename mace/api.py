"""The HTTP API at /api/v1/, wired here from every app's router. Session authentication for the
browser (with CSRF; the session must have passed two-factor sign-in) and personal API tokens
(Bearer) for other clients. The same access policy applies as on the pages. Requests are rate
limited per token or user (mace.core.middleware.ApiRateLimitMiddleware).

What every answer looks like (JSON, errors included), the parser and the error handlers are
mace.core.api's; this module only composes them with the project's authentication and routers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from mace.accounts import two_factor
from mace.accounts.models import ApiToken
from mace.assessments.api import router as assessments_router
from mace.concerns.api import router as concerns_router
from mace.core.api import NOT_FOUND, SERVER_ERROR, SafeParser, add_error_handlers, not_found
from mace.criteria.api import router as criteria_router
from mace.disruption.api import router as disruption_router
from mace.intelligence.api import router as intelligence_router
from mace.meetings.api import router as meetings_router
from mace.missing.api import router as missing_router
from mace.people.api import router as people_router

__all__ = ["NOT_FOUND", "SERVER_ERROR", "SessionAuth", "TokenAuth", "api", "new_api", "not_found"]


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.objects.authenticate(token)
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # No signed-in session: nothing to protect from cross-site requests, so answer 401
        # (not a CSRF 403) by letting authentication fail.
        # The same for a session still waiting for its second factor.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not two_factor.session_verified(request):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        # A session that has not passed the second factor is not signed in, for the API too.
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and two_factor.session_verified(request)
        ):
            return user
        return None


def new_api(**options: Any) -> NinjaAPI:
    """The API object with its authentication, parser and error handlers (a test builds its own
    with a failing route to show what an unexpected exception answers)."""
    api = NinjaAPI(
        **{
            "title": "MACE platform API",
            "version": "1",
            "description": (
                "The MACE platform's API. Every route applies the same access policy as the "
                "pages: a child you may not see answers 404, and every read of a child's record "
                "is logged. Errors are JSON: 422 with field errors for bad input, a detail for "
                "the rest (see docs/api.md)."
            ),
            "urls_namespace": "api",
            "auth": [TokenAuth(), SessionAuth(csrf=True)],
            "docs_url": "/docs",
            "openapi_url": "/openapi.json",
            "parser": SafeParser(),
            **options,
        }
    )
    add_error_handlers(api)
    return api


def add_routers(api: NinjaAPI) -> None:
    """Every app's routes, each under its own prefix."""
    api.add_router("/children", people_router)
    api.add_router("/concerns", concerns_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/missing", missing_router)
    api.add_router("/intelligence", intelligence_router)
    api.add_router("/mace", criteria_router)
    api.add_router("/meetings", meetings_router)
    api.add_router("/disruption", disruption_router)


api = new_api()
add_routers(api)
