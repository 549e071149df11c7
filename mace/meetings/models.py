"""MACE meetings of each quadrant (part 1 and part 2) and the actions they give partner agencies.

This is the starting shape the meetings and disruption work build on: a meeting and an action.
Agendas, attendance, discussions, decisions, minutes and action updates extend it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.meetings.choices import ActionStatus, MeetingPart, MeetingStatus


class Meeting(models.Model):
    """A MACE meeting of one quadrant: part 1 (individual children, monthly) or part 2 (threats,
    trends and hotspots, bi-monthly by default), chaired jointly by social care and police."""

    quadrant = models.ForeignKey(
        "reference.Quadrant", on_delete=models.PROTECT, related_name="meetings"
    )
    part = models.PositiveSmallIntegerField(choices=MeetingPart.choices)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True, help_text="Where, or 'Online'")
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    chairs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", help_text="The co-chairs"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[chairs])

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["quadrant", "part", "-starts_at"])]

    def __str__(self) -> str:
        return f"{self.quadrant} MACE part {self.part}, {self.starts_at:%d %b %Y}"


class Action(models.Model):
    """Something a MACE meeting decided a partner agency will do: an owner (an agency, and a
    named person if known), a due date and a status. Owners in other agencies work on their
    actions without seeing more of the child's case than the action needs."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    child = models.ForeignKey(
        "people.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mace_actions",
        help_text="The child discussed, for a part 1 action",
    )
    description = models.TextField()
    owner_agency = models.ForeignKey(
        "reference.Agency", on_delete=models.PROTECT, related_name="mace_actions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner_agency", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.owner_agency}: {self.description[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def is_overdue(self, today=None) -> bool:  # type: ignore[no-untyped-def]
        return self.is_open and self.due_on < (today or timezone.localdate())
