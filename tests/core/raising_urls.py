"""A URL tree for tests only: the platform's own, with the project's error handlers, plus views
that fail the way a bug would (an exception carrying a restricted note's text)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mace.urls import handler400, handler403, handler404, handler500
from mace.urls import urlpatterns as platform

SECRET = "Restricted note (fictional): the child disclosed to the school nurse"


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Your role does not include this (fictional)")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test-only/explode/", explode),
    path("test-only/refuse/", refuse),
    path("test-only/suspicious/", suspicious),
    path("api/v1/test-only/explode/", explode),
    *platform,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
