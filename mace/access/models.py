"""The read audit: one append-only row for every look at a child's record, and every refusal."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.access.choices import AccessAction, AccessChannel, AccessOutcome


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("Access events are append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise TypeError("Access events are append-only.")


class AccessEvent(models.Model):
    """Someone looked at (or was refused) a child's record: who, which child, what, when, how."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "people.Child", null=True, on_delete=models.PROTECT, related_name="access_events"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    outcome = models.CharField(max_length=10, choices=AccessOutcome.choices)
    channel = models.CharField(max_length=10, choices=AccessChannel.choices)
    path = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.child_id} {self.outcome}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise TypeError("Access events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("Access events are append-only.")
