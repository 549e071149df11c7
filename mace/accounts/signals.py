"""Signing in, failing to, signing out and being locked out, written to the security audit
from Django's and django-axes' signals, so every way in (the sign-in page, the admin's sign-in)
is recorded the same way."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from mace.access.audit import security_event_record
from mace.access.choices import SecurityAction
from mace.accounts import two_factor
from mace.accounts.middleware import note_sign_in
from mace.accounts.models import User


@receiver(user_logged_in, dispatch_uid="mace_signed_in")
def on_signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if getattr(request, "session", None) is not None:
        note_sign_in(request)
    detail = (
        "Password accepted; second factor next"
        if two_factor.two_factor_needed(user)
        else "Password accepted"
    )
    security_event_record(
        action=SecurityAction.SIGNED_IN, user=user, request=request, detail=detail
    )


@receiver(user_login_failed, dispatch_uid="mace_sign_in_failed")
def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    security_event_record(
        action=SecurityAction.SIGN_IN_FAILED,
        user=User.objects.filter(username=username).first(),
        username=username,
        request=request,
    )


@receiver(user_logged_out, dispatch_uid="mace_signed_out")
def on_signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if getattr(request, "mace_idle_expired", False):
        return  # the idle timeout and the session limit record their own event
    security_event_record(action=SecurityAction.SIGNED_OUT, user=user, request=request)


@receiver(user_locked_out, dispatch_uid="mace_locked_out")
def on_locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # axes counts failures only on the attempt that locks; later attempts find it locked.
    locking = getattr(request, "axes_failures_since_start", None) is not None
    detail = (
        f"Locked for {settings.AXES_COOLOFF_TIME} after {settings.AXES_FAILURE_LIMIT} failed "
        "attempts from this address"
        if locking
        else "Tried again while locked out"
    )
    security_event_record(
        action=SecurityAction.LOCKED_OUT,
        user=User.objects.filter(username=username or "").first(),
        username=username or "",
        request=request,
        detail=detail,
    )
