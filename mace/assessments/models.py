"""Risk and vulnerabilities assessments of children, on a versioned instrument.

The instrument (the SET CSE Risk and Vulnerabilities Assessment: its sections, indicators,
vulnerabilities and the windows that make an indicator current or previous) is data, loaded by
a migration and revised by administrators as a new version. An assessment points at the version
it used, so a revised tool never rewrites a past assessment."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.assessments.choices import (
    AssessmentStatus,
    IndicatorWindow,
    InstrumentStatus,
    IntervalUnit,
    PersonRole,
    RiskLevel,
    SignOffDecision,
)
from mace.concerns.choices import IndicatorSource


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), moved back to the month's last day when the
    month is shorter: 31 August plus 6 months is 28 (or 29) February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"No such date: {year}-{month}")  # pragma: no cover - every month has a 28th


class Instrument(models.Model):
    """One version of the SET CSE Risk and Vulnerabilities Assessment tool: what it asks
    (sections of indicators, the vulnerabilities) and its windows (an indicator last seen within
    `current_window_months` of the assessment is current, within `previous_window_months` is
    previous). One version is in force at a time; a version once used is never changed."""

    name = models.CharField(max_length=200)
    version = models.CharField(max_length=20)
    status = models.CharField(
        max_length=20, choices=InstrumentStatus.choices, default=InstrumentStatus.DRAFT
    )
    in_force_from = models.DateField(null=True, blank=True)
    current_window_months = models.PositiveSmallIntegerField(
        default=3, help_text="An indicator last seen within this many months is current"
    )
    previous_window_months = models.PositiveSmallIntegerField(
        default=6,
        help_text="An indicator last seen before the current window but within this many months "
        "is previous; older ones are outside the tool",
    )
    source = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True, help_text="What this version changed, and why")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-in_force_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_instrument_version"),
            # Two versions in force at once would make "the tool in force" ambiguous.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=InstrumentStatus.IN_FORCE),
                name="one_instrument_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version} ({self.get_status_display()})"

    @classmethod
    def in_force(cls) -> Instrument | None:
        return cls.objects.filter(status=InstrumentStatus.IN_FORCE).first()

    def window_for(self, last_seen: dt.date, assessed_on: dt.date) -> str | None:
        """Current, previous, or None when the indicator is older than the tool looks back."""
        if last_seen >= add_months(assessed_on, -self.current_window_months):
            return IndicatorWindow.CURRENT
        if last_seen >= add_months(assessed_on, -self.previous_window_months):
            return IndicatorWindow.PREVIOUS
        return None

    @property
    def windows_text(self) -> str:
        return (
            f"current: last {self.current_window_months} months; previous: "
            f"{self.current_window_months} to {self.previous_window_months} months ago"
        )


class InstrumentSection(models.Model):
    """A section of indicators in one instrument version: the seed's four groups (behaviour;
    health and mental health; online, school and risk-taking; possessions) and the sexual,
    criminal and online exploitation sections."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(max_length=40)
    title = models.CharField(max_length=120)
    hint = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="unique_section_code")
        ]

    def __str__(self) -> str:
        return self.title


class InstrumentIndicator(models.Model):
    """An indicator the instrument asks about. `actual_exploitation` marks signs that a child is
    being exploited (as opposed to signs of vulnerability or risk): a current one engages the
    guard rule that requires a high level or a manager's sign-off. The seed groups reuse the
    codes and labels of the concern indicators (mace.reference), so the two line up."""

    section = models.ForeignKey(
        InstrumentSection, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    actual_exploitation = models.BooleanField(
        default=False, help_text="A sign the child is being exploited, not only at risk"
    )

    class Meta:
        ordering = ["section__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="unique_indicator_code")
        ]

    def __str__(self) -> str:
        return self.label


class InstrumentVulnerability(models.Model):
    """A vulnerability the instrument asks about (looked after, missing, learning disability...).
    `learning_disability` marks the one(s) that engage the guard rule for children with a
    learning disability."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="vulnerabilities"
    )
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    learning_disability = models.BooleanField(
        default=False, help_text="The guard rule for a child with a learning disability applies"
    )

    class Meta:
        ordering = ["instrument", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="unique_vulnerability_code")
        ]

    def __str__(self) -> str:
        return self.label


class ReviewInterval(models.Model):
    """How soon an assessment at a level is reviewed. Administrators change it in the admin;
    the review date an assessment was given when completed does not move."""

    level = models.CharField(max_length=10, choices=RiskLevel.choices, unique=True)
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=IntervalUnit.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.amount} {self.get_unit_display().lower()}"

    @classmethod
    def for_level(cls, level: str) -> ReviewInterval:
        """The interval for a level as administrators set it (the defaults if a row is missing)."""
        from mace.assessments.data import REVIEW_INTERVALS

        interval = cls.objects.filter(level=level).first()
        if interval is not None:
            return interval
        _, amount, unit = next(row for row in REVIEW_INTERVALS if row[0] == level)
        return cls(level=level, amount=amount, unit=unit)

    def after(self, day: dt.date) -> dt.date:
        if self.unit == IntervalUnit.WEEKS:
            return day + dt.timedelta(weeks=self.amount)
        return add_months(day, self.amount)


class Assessment(models.Model):
    """A risk and vulnerabilities assessment of a child by a practitioner of an agency, on one
    instrument version: who is involved, the child's vulnerabilities, the indicators seen (each
    current or previous, with its source), the child's own view, the CIN assessment factors,
    and the level the assessor judges, with their rationale. A level that the guard rules would
    refuse may stand only with a written override signed off by a manager of the assessor's
    agency. Drafts are edited (versioned); a completed assessment is never changed: the next
    assessment replaces it, and the levels over time are the child's history."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose professional judgement it is: who completed it (until then, who began)",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessed_on = models.DateField(default=timezone.localdate)
    vulnerability_notes = models.TextField(blank=True)
    child_view = models.TextField(blank=True)
    level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    rationale = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True,
        help_text="Why a level other than high is right despite a current indicator of actual "
        "exploitation; needs a manager's sign-off",
    )
    review_requested_on = models.DateField(
        null=True, blank=True, help_text="An earlier review date the assessor asked for"
    )
    review_due = models.DateField(null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The manager's decision on an override: agreed (the assessment is completed) or returned
    # to the assessor (a draft again). Earlier decisions are in the history.
    sign_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sign_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_decision = models.CharField(max_length=10, choices=SignOffDecision.choices, blank=True)
    sign_off_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Whether this is the child's latest completed assessment, whose review date is the one
    # that counts. Kept by mace.assessments.services (latest_assessment_refresh) whenever an
    # assessment is completed, so overdue reviews are read from an index.
    is_latest = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["is_latest"])

    class Meta:
        # Newest first; on one day, one still open (no completion time) above the completed
        # ones, on PostgreSQL and SQLite alike (they sort nulls differently by default).
        ordering = ["-assessed_on", models.F("completed_at").desc(nulls_first=True), "-id"]
        indexes = [
            models.Index(fields=["child", "status", "-assessed_on"]),
            models.Index(fields=["status", "review_due"]),
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["assessor", "status"]),
            # Overdue reviews: an assessor's and an agency's latest assessments by review date.
            models.Index(
                fields=["assessor", "review_due", "id"],
                condition=models.Q(is_latest=True),
                name="assessment_latest_assessor",
            ),
            models.Index(
                fields=["agency", "review_due", "id"],
                condition=models.Q(is_latest=True),
                name="assessment_latest_agency",
            ),
            # An assessor's own in progress (drafts, returned, awaiting sign-off), latest first.
            models.Index(
                fields=["assessor", "-updated_at", "-id"],
                condition=~models.Q(status="completed"),
                name="assessment_open_assessor",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.child_id} on {self.assessed_on:%d %b %Y}"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED

    def review_overdue(self, today: dt.date | None = None) -> bool:
        return (
            self.is_completed
            and self.review_due is not None
            and self.review_due < (today or timezone.localdate())
        )


class AssessmentPerson(models.Model):
    """Someone involved in the child's life, as the assessment records them (free text for now).
    Persons of concern are kept as their own rows with a role, so the intelligence records can
    be linked to them later."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=PersonRole.choices)
    details = models.CharField(max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assessment", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class AssessmentVulnerability(models.Model):
    """A vulnerability of the instrument that the assessor found applies to the child."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="vulnerabilities"
    )
    vulnerability = models.ForeignKey(
        InstrumentVulnerability, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["vulnerability__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "vulnerability"], name="unique_assessment_vulnerability"
            )
        ]

    def __str__(self) -> str:
        return str(self.vulnerability)


class AssessmentIndicator(models.Model):
    """An indicator of exploitation the assessment records: when it was last seen, so whether it
    is current or previous against the instrument's windows (kept as it was worked out at the
    time), where it came from, and a note. A draft may leave the date and source for later."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(InstrumentIndicator, on_delete=models.PROTECT, related_name="+")
    last_seen = models.DateField(null=True, blank=True)
    window = models.CharField(max_length=10, choices=IndicatorWindow.choices, blank=True)
    source = models.CharField(max_length=20, choices=IndicatorSource.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["indicator__section__order", "indicator__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="unique_assessment_indicator"
            )
        ]

    def __str__(self) -> str:
        return str(self.indicator)


class AssessmentFactor(models.Model):
    """A CIN census assessment factor (mace.reference code list `assessment_factor`) the
    assessment identified."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(max_length=10)

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="unique_assessment_factor")
        ]

    def __str__(self) -> str:
        return self.code
