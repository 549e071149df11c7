"""The MACE criteria as the partnership configures them, and which children meet them now.

Whether a child meets the criteria depends on their latest completed risk assessment and their
missing episodes. It is worked out by mace.criteria.services.eligibility_refresh whenever one of
those changes (and nightly, as time moves episodes out of their windows), and kept here, so the
quadrant's list and the MACE panel's sight of the children on it are one indexed query whatever
the size of the county."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.criteria.choices import CriterionCode


class Criterion(models.Model):
    """One of the MACE criteria, switched on or off, with its window where it has one. The
    repeat missing rule's own numbers (episodes in days) live on mace.missing's
    RepeatMissingRule, which the child's page and dashboard use too."""

    code = models.CharField(max_length=30, choices=CriterionCode.choices, unique=True)
    active = models.BooleanField(default=True)
    days = models.PositiveSmallIntegerField(
        default=90,
        help_text=(
            "For 'missing while assessed at medium or high risk': an episode that started within "
            "this many days counts"
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({'on' if self.active else 'off'})"


class Eligibility(models.Model):
    """A child who meets the MACE criteria now: which rules matched and on what records, the
    child's quadrant (by their current council area) and what the panel's list shows. A child
    who stops meeting them loses the row (the chronology keeps both moments)."""

    child = models.OneToOneField(
        "people.Child", on_delete=models.CASCADE, related_name="mace_eligibility"
    )
    quadrant = models.ForeignKey(
        "reference.Quadrant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank for a child in a unitary area (Southend, Thurrock) or not yet placed",
    )
    reasons = models.JSONField(
        default=list,
        help_text="[{code, label, detail, evidence: [{kind, id, label, date}]}]",
    )
    codes = models.CharField(max_length=200, help_text="The matched codes, comma-separated")
    last_level = models.CharField(max_length=10, blank=True)
    last_assessed_on = models.DateField(null=True, blank=True)
    recent_episodes = models.PositiveSmallIntegerField(default=0)
    eligible_since = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(
        default=timezone.now, help_text="When the reasons last changed: the list's order"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name_plural = "eligibilities"
        # The list: a quadrant's children, the most recent change first (id breaks ties).
        indexes = [models.Index(fields=["quadrant", "-changed_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.codes}"
