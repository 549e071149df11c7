"""The HTTP API at /api/v1/. Session authentication for the browser (with CSRF; the session must
have passed two-factor sign-in) and personal API tokens (Bearer) for other clients. The same
access policy applies as on the pages. Requests are rate limited per token or user
(mace.core.middleware.ApiRateLimitMiddleware)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from mace.accounts import two_factor
from mace.accounts.models import ApiToken
from mace.core.errors import DomainError


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


api = NinjaAPI(
    title="MACE platform API",
    version="1",
    description=(
        "The MACE platform's API. Every route applies the same access policy as the pages: a "
        "child you may not see answers 404, and every read of a child's record is logged."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    return {"errors": [{"field": field, "message": m} for field, ms in errors.items() for m in ms]}


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, _error_body(exc.errors), status=422)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = ".".join(str(part) for part in _field_location(list(error.get("loc", []))))
        errors.setdefault(field or "__all__", []).append(error.get("msg", "Invalid value"))
    return api.create_response(request, _error_body(errors), status=422)


def _field_location(loc: list[Any]) -> list[Any]:
    """Ninja reports ("body", <parameter name>, field, ...); keep only the field's own path."""
    if loc and loc[0] in ("body", "query", "path", "form", "header", "cookie"):
        loc = loc[1:]
        if loc and loc[0] in ("payload", "data", "filters", "params"):
            loc = loc[1:]
    return loc


@api.exception_handler(PermissionError)
def on_permission_error(request: HttpRequest, exc: PermissionError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Sign in or send an API token"}, status=401)


def register_routers() -> None:
    """Each app adds its router here (imported late so the apps can import this module)."""
    from mace.assessments.api import router as assessments_router
    from mace.concerns.api import router as concerns_router
    from mace.criteria.api import router as criteria_router
    from mace.disruption.api import router as disruption_router
    from mace.intelligence.api import router as intelligence_router
    from mace.meetings.api import router as meetings_router
    from mace.missing.api import router as missing_router
    from mace.people.api import router as people_router

    api.add_router("/children", people_router)
    api.add_router("/concerns", concerns_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/missing", missing_router)
    api.add_router("/intelligence", intelligence_router)
    api.add_router("/mace", criteria_router)
    api.add_router("/meetings", meetings_router)
    api.add_router("/disruption", disruption_router)


register_routers()
