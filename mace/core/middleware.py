"""Middleware every request passes through: the request id, sign-in required, the security
headers Django does not set itself, and the API's rate limit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from mace.core import ratelimit
from mace.core.errors import Refused
from mace.core.requestid import current_request_id, new_request_id
from mace.core.signals import rate_limited


class RequestIdMiddleware:
    """Gives each request an id (kept in a ContextVar for the audit) and returns it in a header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


class ApiErrorsAsJsonMiddleware:
    """Under /api/ every error is JSON in the API's shape, whoever answered it: Ninja answers a
    method a route does not take (405) with an empty HTML body, and Django's CSRF refusal is a
    page. The API's own answers (already JSON) pass untouched; headers such as Allow are kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        replacement = JsonResponse(
            {"detail": response.reason_phrase or "Refused"}, status=response.status_code
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement


class RefusalMiddleware:
    """A page's refusal in one place: `Refused` is Django's PermissionDenied, so it answers with
    the service's 403 page; one the policy words as "not found" answers with the 404 page, saying
    nothing about whether the record exists. (The API answers both as JSON: mace.core.api.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, Refused) and exception.not_found:
            raise Http404(exception.message) from exception


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Every page needs a signed-in user, except those marked login_not_required and the API,
    which authenticates each request itself (session or token) and answers 401, not a redirect."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set: Permissions-Policy (no camera,
    microphone, location and the like), and no caching of pages for a signed-in user, so case
    content is not left in a shared computer's browser cache after signing out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class ApiRateLimitMiddleware:
    """At most MACE_RATE_LIMIT_API requests a minute to the API from one token (or, without a
    token, one signed-in user or one address); beyond that 429 with Retry-After. Counted before
    the token is checked, so guessing tokens is limited too. The API's own description (the
    OpenAPI document and its docs page) is not counted."""

    DOCUMENTS = ("/openapi.json", "/docs")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/") or request.path_info.endswith(self.DOCUMENTS):
            return self.get_response(request)
        verdict = ratelimit.hit("api", self._caller(request), settings.MACE_RATE_LIMIT_API)
        if verdict.allowed:
            return self.get_response(request)
        if verdict.first_refusal:
            # Recorded as a security event by the access app (mace.access.receivers).
            rate_limited.send(
                sender=type(self),
                request=request,
                user=request.user if request.user.is_authenticated else None,
                detail=f"API: over {verdict.limit} requests a minute",
            )
        response = JsonResponse(
            {
                "detail": f"Too many requests: at most {verdict.limit} a minute. "
                f"Try again in {verdict.retry_after} seconds."
            },
            status=429,
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response

    @staticmethod
    def _caller(request: HttpRequest) -> str:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            # The token's hash, never the token itself, names the counter.
            return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
        if request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return "address:" + (request.META.get("REMOTE_ADDR") or "unknown")
