"""Sign-in security that applies to every request: the idle timeout, the absolute session limit,
and the rule that a user asked for a second factor reaches nothing but the two-factor pages
until they pass it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mace.access.audit import security_event_record
from mace.access.choices import SecurityAction
from mace.accounts import two_factor

LAST_SEEN = "mace_last_seen"
# When this session signed in (seconds since the epoch), for the absolute session limit.
SIGNED_IN_AT = "mace_signed_in_at"
# The session is written at most this often just to note activity (it is a database write).
TOUCH_SECONDS = 60


def two_factor_not_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view a signed-in user may reach before passing the second factor (the two-factor
    pages themselves, signing out). Use with method_decorator on a class-based view."""
    view.two_factor_not_required = True  # type: ignore[attr-defined]
    return view


def note_activity(request: HttpRequest) -> None:
    request.session[LAST_SEEN] = int(time.time())


def note_sign_in(request: HttpRequest) -> None:
    """Start both clocks: the idle timeout's and the absolute limit's."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def session_limit_seconds() -> int:
    return int(settings.SESSION_COOKIE_AGE)


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def idle_timeout_seconds() -> int:
    return int(settings.MACE_IDLE_TIMEOUT_MINUTES) * 60


class IdleTimeoutMiddleware:
    """Signs out a session that has made no request for MACE_IDLE_TIMEOUT_MINUTES, or that
    signed in more than MACE_SESSION_SECONDS ago however busy it has been since, records it,
    and tells the user why on the sign-in page. Checked against the times kept in the session
    rather than the cookie's age: Django renews a session's expiry whenever it is saved, so
    activity would stretch the absolute limit, and an expiry by cookie records nothing.

    A signed-in session with no sign-in time predates the limit; its age is unknown, so it
    ends too. The API answers 401 to a session ended here (it is no longer signed in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN)
            signed_in_at = session.get(SIGNED_IN_AT)
            if signed_in_at is None or now - int(signed_in_at) >= session_limit_seconds():
                self._end_at_limit(request)
            elif last_seen is not None and now - int(last_seen) > idle_timeout_seconds():
                self._expire(request)
            elif last_seen is None or now - int(last_seen) >= TOUCH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest) -> None:
        minutes = settings.MACE_IDLE_TIMEOUT_MINUTES
        self._sign_out(
            request,
            SecurityAction.SESSION_EXPIRED,
            detail=f"No activity for {minutes} minutes",
            why=f"after {minutes} minutes without activity",
        )

    def _end_at_limit(self, request: HttpRequest) -> None:
        limit = _duration(session_limit_seconds())
        self._sign_out(
            request,
            SecurityAction.SESSION_LIMIT,
            detail=f"Signed in more than {limit} ago",
            why=f"because a session lasts at most {limit}",
        )

    @staticmethod
    def _sign_out(request: HttpRequest, action: str, *, detail: str, why: str) -> None:
        """End the session (not a sign-out by the user), record why, and say so on the sign-in
        page."""
        user = request.user if request.user.is_authenticated else None
        request.mace_idle_expired = True  # type: ignore[attr-defined]  # not a sign-out
        logout(request)
        security_event_record(
            action=action,
            user=user,
            request=request,
            detail=detail,
        )
        messages.info(request, f"You were signed out {why}. Sign in again to carry on.")


class TwoFactorRequiredMiddleware:
    """A signed-in user who is asked for a second factor and has not given it in this session
    reaches only the two-factor pages and signing out: anything else sends them to enter a code
    (or, the first time, to set up their authenticator app). The API answers 401 for such a
    session itself (mace.api.SessionAuth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(view_func, "two_factor_not_required", False):
            return None
        if request.path_info.startswith("/api/") or not request.user.is_authenticated:
            return None
        if two_factor.session_verified(request):
            return None
        user: Any = request.user
        target = (
            "accounts:two_factor"
            if two_factor.authenticator(user) is not None
            else "accounts:two_factor_setup"
        )
        return redirect_to_login(request.get_full_path(), reverse(target))
