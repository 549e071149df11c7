"""The audit: append-only, tamper-evident logs of every look at a child's record (and every
refusal), every change, every security event and every export; and break-glass grants.

Each log row carries `hash`, chaining it to the row before it in the same log (`prev_hash`), so
`uv run mace verify_audit` can find a row altered or removed behind the platform's back."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.access import chain
from mace.access.choices import (
    AccessAction,
    AccessChannel,
    AccessOutcome,
    BreakGlassReason,
    BreakGlassReview,
    ChangeType,
    SecurityAction,
)
from mace.core import bulk


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are only ever added, each chained to the one before (mace.access.chain)."""

    def update(self, **kwargs):
        raise TypeError("Audit logs are append-only.")

    def delete(self):
        raise TypeError("Audit logs are append-only.")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        chain.append(objs)
        return objs

    def bulk_update(self, *args, **kwargs):
        raise TypeError("Audit logs are append-only.")

    def bulk_insert(self, objs):
        """The insert itself, for mace.access.chain only: the rows are already chained. COPY on
        PostgreSQL (mace.core.bulk), the ids taken in the rows' order."""
        bulk.insert(self.model, objs)
        return objs


class AuditChain(models.Model):
    """The head of one of a log's hash chains (its shards): the hash of the chain's newest row
    and how many rows it has. A writer locks one free head while adding rows, so the rows of a
    chain are chained in the order they were written and writers of one log do not queue behind
    each other (mace.access.chain)."""

    log = models.CharField(max_length=40)
    shard = models.PositiveSmallIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    length = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "shard"], name="access_auditchain_log_shard")
        ]

    def __str__(self) -> str:
        return f"{self.log} chain {self.shard}: {self.length} rows"


class AuditCheckpoint(models.Model):
    """Where `verify_audit` last found one of a log's chains intact: the newest row it checked,
    that row's hash and its position in the chain. The next check starts there (after making
    sure the row still has that hash); only the verifier writes it, and only after a clean check.
    Not part of the evidence: deleting it only makes the next check start from the beginning."""

    log = models.CharField(max_length=40)
    shard = models.PositiveSmallIntegerField()
    row_id = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    length = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["log", "shard"], name="access_auditcheckpoint_log_shard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.log} chain {self.shard}: {self.length} rows checked at {self.at}"


class ChainedEvent(models.Model):
    """A row of an append-only log whose hash chains it to the previous row of the same chain
    (`shard`) of the same log. Each concrete log indexes (shard, id): a chain is read in id
    order."""

    shard = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit logs are append-only.")
        chain.append([self])

    def insert(self) -> None:
        """The insert itself, for mace.access.chain only: the row is already chained."""
        super().save(force_insert=True)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit logs are append-only.")

    @classmethod
    def log_name(cls) -> str:
        return cls._meta.label_lower


AccessEventQuerySet = AppendOnlyQuerySet


class AccessEvent(ChainedEvent):
    """Someone looked at (or was refused) a child's record: who, which child, what, when, how."""

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "people.Child", null=True, on_delete=models.PROTECT, related_name="access_events"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    outcome = models.CharField(max_length=10, choices=AccessOutcome.choices)
    object_type = models.CharField(
        max_length=60,
        blank=True,
        help_text="What was looked at, when not the child's record itself (app_label.model)",
    )
    object_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=10, choices=AccessChannel.choices)
    path = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child", "-at"]),
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["shard", "id"], name="access_accessevent_chain"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.child_id} {self.outcome}"


class SecurityEvent(ChainedEvent):
    """Something happened to an account: sign-in, lockout, two-factor, tokens. `actor` did it
    (an administrator resetting a second factor, say); `user` is whose account it was."""

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed, for failures")
    action = models.CharField(max_length=20, choices=SecurityAction.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["shard", "id"], name="access_securityevent_chain"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user or self.username} {self.action}"


class ChangeEvent(ChainedEvent):
    """A record was created, changed or deleted: the old and new value of every field that
    changed. Written from django-simple-history's historical records."""

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "people.Child", null=True, on_delete=models.PROTECT, related_name="change_events"
    )
    model = models.CharField(max_length=100, help_text="app_label.ModelName")
    object_id = models.CharField(max_length=64)
    change_type = models.CharField(max_length=1, choices=ChangeType.choices)
    changes = models.JSONField(default=dict, help_text="field: [old, new]")
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child", "-at"]),
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["model", "object_id"]),
            models.Index(fields=["shard", "id"], name="access_changeevent_chain"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.change_type}{self.model}:{self.object_id}"
        )


class ExportEvent(ChainedEvent):
    """Case data left the platform: what was exported, why, by whom and how much."""

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=200)
    reason = models.TextField()
    format = models.CharField(max_length=10)
    row_count = models.PositiveIntegerField(default=0)
    child_ids = models.JSONField(default=list, help_text="The children whose data was exported")
    parameters = models.JSONField(default=dict, help_text="Filters and options used")
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["shard", "id"], name="access_exportevent_chain")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.what}"


class BreakGlassGrant(models.Model):
    """Emergency access to a child's record for someone whose agency is not involved: granted
    at once for a limited time on a stated reason, told to the involved agencies' managers and
    reviewed afterwards. The grant itself is never deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    agency = models.ForeignKey(
        "reference.Agency", on_delete=models.PROTECT, related_name="+", help_text="The user's"
    )
    reason_category = models.CharField(max_length=20, choices=BreakGlassReason.choices)
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Given up early")
    review_status = models.CharField(
        max_length=12, choices=BreakGlassReview.choices, default=BreakGlassReview.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [
            models.Index(fields=["user", "child", "expires_at"]),
            models.Index(fields=["review_status", "-granted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} → child {self.child_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.expires_at > timezone.now()

    @property
    def ends_at(self) -> datetime:
        """When the access stopped or will stop."""
        return min(self.ended_at, self.expires_at) if self.ended_at else self.expires_at


# The hash-chained logs, in the order verify_audit checks them.
CHAINED_LOGS: tuple[type[ChainedEvent], ...] = (
    AccessEvent,
    SecurityEvent,
    ChangeEvent,
    ExportEvent,
)
