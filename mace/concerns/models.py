"""Concerns about a child: the indicators a practitioner saw, what they wrote, where it went."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mace.concerns.choices import IndicatorSource, Route
from mace.people.choices import RestrictionReason


class Concern(models.Model):
    """A practitioner's concern that a child is being, or is at risk of being, exploited.
    It records the CSE definition in force at the time, so a later definition rewrites nothing."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="concerns")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    definition = models.ForeignKey(
        "reference.Definition", null=True, on_delete=models.PROTECT, related_name="+"
    )
    narrative = models.TextField()
    restricted = models.BooleanField(
        default=False,
        help_text="Only the author's agency and the MACE chairs of the child's quadrant read it",
    )
    restriction_reason = models.CharField(
        max_length=20, blank=True, choices=RestrictionReason.choices
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Concern about {self.child} on {self.recorded_at:%d %b %Y}"


class ConcernIndicator(models.Model):
    """An indicator of exploitation seen, with when it was seen and who it came from."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey("reference.Indicator", on_delete=models.PROTECT, related_name="+")
    seen_on = models.DateField()
    source = models.CharField(max_length=20, choices=IndicatorSource.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["indicator__group", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "indicator"], name="unique_concern_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ({self.seen_on:%d %b %Y})"


class ConcernRoute(models.Model):
    """Where the concern was sent and by when that service should respond."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="routes")
    route = models.CharField(max_length=10, choices=Route.choices)
    target_date = models.DateField()

    class Meta:
        ordering = ["route"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "route"], name="unique_concern_route")
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()} by {self.target_date:%d %b %Y}"
