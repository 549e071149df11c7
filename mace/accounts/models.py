"""People who sign in, the agency they work for and the roles they hold."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.accounts.choices import Role, RoleGrantStatus


class User(AbstractUser):
    """A member of staff in a partner agency. What they may see follows from their agency and
    their roles (see mace.access.policy)."""

    agency = models.ForeignKey(
        "reference.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    quadrant = models.ForeignKey(
        "reference.Quadrant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="The quadrant a MACE chair or coordinator serves.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    @cached_property
    def role_set(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """One role held by a user; a user may hold several (a manager who also chairs MACE)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class RoleGrantRequest(models.Model):
    """A request to give an account roles that see children's case content (or the data
    protection role, or superuser), which takes effect only when a second person approves it:
    an agency manager of the account's agency or a data protection officer, never the person
    who asked nor the account's holder (mace.access.policy.can_approve_role_grant). Until then
    the roles are not the account's. Kept after the decision, for the record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grant_requests")
    roles = models.JSONField(default=list, blank=True, help_text="Role values asked for.")
    superuser = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="role_grants_requested"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="role_grants_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="The approver's reason for the decision.")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "requested_at"], name="role_grant_status_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.summary} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == RoleGrantStatus.PENDING

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]

    @property
    def summary(self) -> str:
        """What is asked for, in words: "Practitioner, Agency manager and superuser"."""
        parts = [*self.role_labels, *(["superuser"] if self.superuser else [])]
        if not parts:
            return "nothing"
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)

    def authenticate(self, raw: str) -> ApiToken | None:
        return self.active().select_related("user").filter(key_hash=_hash_token(raw)).first()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    PREFIX = "mace_"
    DEFAULT_LIFETIME = timedelta(days=90)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="Personal token")
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @classmethod
    def new_secret(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, _hash_token(raw)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
