"""What every HTTP API built on Django Ninja here shares, whoever builds it: the parser that
refuses input no column can hold, the error bodies and the error handlers. The API object itself,
with its authentication and every app's router, is wired in the project package (mace.api).

Every answer under /api/ is JSON, errors included: 422 `{"errors": [{"field", "message"}]}` for
input the API refuses (SafeParser refuses NUL characters, lone surrogates and numbers no column
can hold before any schema sees them; the schemas in mace.core.schemas hold the documented
bounds), `{"detail": ...}` for 401/403/404/413/429, and for 500 a message with no traceback
(the exception goes to the log, never to the caller)."""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from mace.core.errors import DomainError, Refused
from mace.core.schemas import MAX_INT

logger = logging.getLogger("mace.api")

NOT_FOUND = "Not found"
SERVER_ERROR = "Something went wrong on our side; nothing was written"


class UnsafeInput(Exception):
    """Input no schema should see: each problem as (field path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))


def input_problems(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """What in a decoded body or query no column may hold: a NUL character (PostgreSQL cannot
    store one), a lone surrogate (not text: the database driver cannot encode it) and a whole
    number beyond 64 bits. Each with the dotted path of its field."""
    field = ".".join(path) or "__all__"
    if isinstance(value, str):
        if "\x00" in value:
            return [(field, "Must not contain a NUL character")]
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [(field, "Must not contain a lone surrogate (invalid text)")]
        return []
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        if value > MAX_INT:
            return [(field, f"Must be at most {MAX_INT}")]
        if value < -MAX_INT:
            return [(field, f"Must be at least {-MAX_INT}")]
        return []
    if isinstance(value, float):
        return [] if math.isfinite(value) else [(field, "Must be a finite number")]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in input_problems(v, (*path, str(k)))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in input_problems(v, (*path, str(i)))]
    return []


class SafeParser(Parser):
    """Ninja's JSON parser, refusing what no column can hold before any schema sees it: once,
    for every body and query of every route."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        problems = input_problems(data)
        if problems:
            # Ninja turns any parser error into a 400 with this as its cause; the handler for
            # HttpError below answers 422 with these field errors.
            raise UnsafeInput(problems)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        problems = input_problems(result)
        if problems:
            raise UnsafeInput(problems)
        return result


def error_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    return {"errors": [{"field": field, "message": m} for field, ms in errors.items() for m in ms]}


def _field_location(loc: list[Any]) -> list[Any]:
    """Ninja reports ("body", <parameter name>, field, ...); keep only the field's own path."""
    if loc and loc[0] in ("body", "query", "path", "form", "header", "cookie"):
        loc = loc[1:]
        if loc and loc[0] in ("payload", "data", "filters", "params"):
            loc = loc[1:]
    return loc


def add_error_handlers(api: NinjaAPI) -> None:
    """Answer every error the API meets as JSON (see the module's docstring)."""

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, error_body(exc.errors), status=422)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field = ".".join(str(part) for part in _field_location(list(error.get("loc", []))))
            errors.setdefault(field or "__all__", []).append(error.get("msg", "Invalid value"))
        return api.create_response(request, error_body(errors), status=422)

    def on_unsafe_input(request: HttpRequest, exc: UnsafeInput) -> HttpResponse:
        errors = {field: [message] for field, message in exc.problems}  # one per field
        return api.create_response(request, error_body(errors), status=422)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # A body Ninja's parser could not take: refused input like any other (422).
        if isinstance(exc.__cause__, UnsafeInput):
            return on_unsafe_input(request, exc.__cause__)
        if isinstance(exc.__cause__, ValueError):  # JSON or UTF-8 that does not decode
            body = error_body({"__all__": ["The body is not valid JSON"]})
            return api.create_response(request, body, status=422)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is over the limit of {limit:,} bytes"
        return api.create_response(request, {"detail": detail}, status=413)

    def on_refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        if isinstance(exc, Refused) and exc.not_found:
            return api.create_response(request, {"detail": NOT_FOUND}, status=404)
        return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, {"detail": "Sign in or send an API token"}, status=401)

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Never the traceback (it can quote case content), in DEBUG too: the log has it.
        logger.error("Unexpected error answering %s", request.path, exc_info=exc)
        return api.create_response(request, {"detail": SERVER_ERROR}, status=500)

    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, on_unexpected),
        (DomainError, on_domain_error),
        (ValidationError, on_validation_error),
        (UnsafeInput, on_unsafe_input),
        (HttpError, on_http_error),
        (RequestDataTooBig, on_too_big),
        (PermissionDenied, on_refused),
        (Http404, on_not_found),
        (AuthenticationError, on_unauthenticated),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under /api/ that the API does not have: JSON, like every other API answer."""
    return JsonResponse({"detail": NOT_FOUND}, status=404)
