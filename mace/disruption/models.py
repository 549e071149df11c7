"""Disruption activity against those who exploit children, and the evidence collected for
prosecutions.

A disruption is one use of a power or an action (a child abduction warning notice, a closure
order, an arrest...) against a person of concern, a location (premises are locations) or a
vehicle: an intelligence `Record`, so district council and CSP officers work on it through the
records in their district without seeing children's case files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.disruption.choices import (
    CLOSED_STATUSES,
    DisruptionStatus,
    DisruptionType,
    EvidenceKind,
)

if TYPE_CHECKING:
    from mace.accounts.models import User


class DisruptionQuerySet(models.QuerySet["Disruption"]):
    def visible_to(self, user: User | None) -> DisruptionQuerySet:
        from mace.access import policy

        scoped = policy.scope_disruptions(user, self)
        assert isinstance(scoped, DisruptionQuerySet)
        return scoped


class Disruption(models.Model):
    """One disruption activity: a power used or an action taken against a person of concern, a
    location or a vehicle (its subject), led by one agency, on a legal basis, with the dates it
    was applied for, granted, served, expires and is reviewed, and its outcome. It may protect a
    named child (a CAWN, an NRM referral) and may have come from a MACE action."""

    type = models.CharField(max_length=20, choices=DisruptionType.choices)
    subject = models.ForeignKey(
        "intelligence.Record",
        on_delete=models.PROTECT,
        related_name="disruptions",
        help_text="The person, location (premises are locations) or vehicle",
    )
    child = models.ForeignKey(
        "people.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The child it protects, for a CAWN or an NRM referral",
    )
    lead_agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(max_length=300, blank=True)
    applied_on = models.DateField(null=True, blank=True)
    granted_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=DisruptionStatus.choices, default=DisruptionStatus.PLANNED
    )
    outcome = models.TextField(blank=True)
    action = models.ForeignKey(
        "meetings.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disruptions",
        help_text="The MACE action it came from",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    # The date a reminder was last sent for: a changed date is reminded of again, the same one
    # once (mace.disruption.services.disruption_reminders_send).
    expiry_reminded_for = models.DateField(null=True, blank=True, editable=False)
    review_reminded_for = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["expiry_reminded_for", "review_reminded_for"])

    objects = DisruptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-created_at"]),
            models.Index(fields=["lead_agency", "status"]),
            models.Index(fields=["expires_on"]),
            models.Index(fields=["review_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.subject.label}"

    def get_absolute_url(self) -> str:
        return reverse("disruption:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class EvidenceItem(models.Model):
    """One item of evidence collected for a prosecution (a statement, CCTV, a phone download),
    about a child, a person of concern or both, and where it came from: the MACE action or the
    disruption it was collected for. The item itself is kept in the collecting agency's own
    evidence store; this records what it is and where to find it."""

    description = models.TextField()
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    collected_on = models.DateField()
    collected_by = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "intelligence.Record",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_items",
        help_text="The person of concern it is about",
    )
    action = models.ForeignKey(
        "meetings.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_items",
    )
    disruption = models.ForeignKey(
        Disruption,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_items",
    )
    storage_reference = models.CharField(
        max_length=200, blank=True, help_text="Where the item is kept: an exhibit or store number"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-collected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False) | Q(person__isnull=False),
                name="evidence_about_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} collected on {self.collected_on:%d %b %Y}"
