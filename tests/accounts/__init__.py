"""Sign-in security: two-factor sign-in, lockout, idle timeout, rate limits, headers and the
user's own account page. Real requests through the whole middleware stack, a real database."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from mace.access.models import SecurityEvent
from tests.factories import TEST_PASSWORD


def password_only(client: Client, username: str, **extra: str) -> Any:
    """Sign in through the sign-in page with the password alone, as the first step is."""
    return client.post(
        reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD, **extra}
    )


def events(action: str, **filters: Any) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(action=action, **filters).order_by("id"))
