"""A URL tree for tests only: the platform's own, with the project's error handlers, plus views
that fail the way a bug would (an exception carrying a restricted note's text)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mace.core.errors import Refused
from mace.urls import handler400, handler403, handler404, handler500
from mace.urls import urlpatterns as platform

SECRET = "Restricted note (fictional): the child disclosed to the school nurse"


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Your role does not include this (fictional)")


def refused(request: HttpRequest) -> HttpResponse:
    raise Refused("Only the fictional panel's chairs do this")


def refused_unseen(request: HttpRequest) -> HttpResponse:
    raise Refused("Fictional child 99 is outside your agency's work", not_found=True)


def file_permission(request: HttpRequest) -> HttpResponse:
    # Python's PermissionError is an OSError (a file the server cannot read), not a refusal.
    raise PermissionError(13, "Permission denied", "/srv/fictional/secret-path.pem")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test-only/explode/", explode),
    path("test-only/refuse/", refuse),
    path("test-only/suspicious/", suspicious),
    path("test-only/refused/", refused),
    path("test-only/refused-unseen/", refused_unseen),
    path("test-only/file-permission/", file_permission),
    path("api/v1/test-only/explode/", explode),
    *platform,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
