"""The service's own error pages (400, 403, 404, 500), wired in mace/urls.py as Django's
handler400/403/404/500. They never show a traceback, an exception's text (other than a refusal's
own words on the 403 page) or the list of routes, whatever DEBUG says elsewhere.

Under /api/ the answer is JSON in the API's shape, `{"detail": "..."}`, never a page: the API
answers its own errors, and these catch what reaches Django's handlers (an unknown path, an
exception nothing else handled)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# When even the 500 template cannot be drawn (the database is down, a template is broken).
PLAIN_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service – MACE</title></head><body>"
    "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>"
    "<p>If you entered information, it may not have been saved. Check before entering it "
    "again.</p></body></html>"
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _page(
    request: HttpRequest, template: str, status: int, context: dict[str, object] | None = None
) -> HttpResponse:
    return HttpResponse(render_to_string(template, context or {}, request), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Bad request"}, status=400)
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this"}, status=403)
    # A refusal's message is written for the person refused ("Your role does not include..."):
    # the one exception text a page shows.
    message = str(exception) if exception is not None and exception.args else ""
    return _page(request, "403.html", 403, {"exception": message})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found"}, status=404)
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Sorry, there is a problem with the service"}, status=500)
    try:
        return _page(request, "500.html", 500)
    except Exception:
        logger.exception("The 500 page could not be drawn; answering the plain one")
        return HttpResponse(PLAIN_500, status=500)
