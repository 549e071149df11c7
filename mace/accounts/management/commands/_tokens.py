"""What the account commands share: finding the user and the administrator, describing a
token."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import timezone

from mace.accounts.models import ApiToken, User


def find_user(username: str, *, active: bool = True) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"There is no user called {username!r}.")
    if active and not user.is_active:
        raise CommandError(f"The user {username!r} is not active; activate them first.")
    return user


def status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return f"revoked {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}"
    if token.expires_at <= timezone.now():
        return "expired"
    return "active"


def find_administrator(username: str) -> User:
    """The administrator running an account command, named for the audit: an active system
    administrator or superuser."""
    from mace.accounts.choices import Role

    admin = User.objects.filter(username=username, is_active=True).first()
    if admin is None or not (admin.is_superuser or admin.has_role(Role.SYSTEM_ADMIN)):
        raise CommandError(
            f"--by must name an active system administrator; {username!r} is not one."
        )
    return admin
