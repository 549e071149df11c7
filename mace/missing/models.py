"""Children who go missing: episodes, police risk grades and return home interviews, and the
repeat missing rule that raises a flag."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.core.bounds import shifted
from mace.missing.choices import (
    EpisodeEnd,
    EpisodeType,
    InterviewStatus,
    RiskGrade,
    YesNoNA,
)

# A return home interview is due within 72 hours of the child's return (DfE statutory guidance
# on children who run away or go missing from home or care, January 2014, paragraph 16).
RETURN_INTERVIEW_DUE = dt.timedelta(hours=72)


class MissingEpisode(models.Model):
    """A period when a child was missing (whereabouts unknown) or away from their placement
    without authorisation (whereabouts known). It starts at the later of when the child left and
    when they were last seen, and ends when they were found or returned; it is open until then.
    Field meanings follow the SSD's `ssd_missing` table, with what the SSD lacks (police
    reference, risk grade, where and with whom found) added."""

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="missing_episodes"
    )
    type = models.CharField(max_length=1, choices=EpisodeType.choices)
    left_at = models.DateTimeField(null=True, blank=True, help_text="When the child left")
    last_seen_at = models.DateTimeField(null=True, blank=True, help_text="When last seen")
    started_at = models.DateTimeField(
        help_text="The later of left_at and last_seen_at (kept in step on every save)"
    )
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When found or returned; empty while the child is missing"
    )
    end_reason = models.CharField(max_length=10, blank=True, choices=EpisodeEnd.choices)
    found_where = models.CharField(max_length=300, blank=True)
    found_with = models.CharField(max_length=300, blank=True)
    reported_by = models.CharField(
        max_length=200, blank=True, help_text="Who reported the child missing (name or role)"
    )
    reported_by_agency = models.ForeignKey(
        "reference.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    police_reference = models.CharField(max_length=40, blank=True)
    looked_after = models.BooleanField(
        default=False, help_text="Whether the child was looked after when the episode started"
    )
    agency = models.ForeignKey(
        "reference.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that recorded the episode",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Whether a return home interview is still owed: none held, declined, or recorded as not
    # applicable or not offered (interview_done). Kept in step by mace.missing.services
    # (interviews_owed_refresh) whenever an interview is written, so the overdue lists read
    # an index instead of looking for each episode's interview.
    interview_owed = models.BooleanField(default=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["interview_owed"])

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["child", "-started_at"]),
            models.Index(fields=["started_at"]),
            models.Index(fields=["agency", "ended_at"]),
            # The overdue return home interviews of an agency, longest overdue first.
            models.Index(
                fields=["agency", "ended_at", "id"],
                condition=models.Q(interview_owed=True, ended_at__isnull=False),
                name="missing_episode_owed",
            ),
            # ... and everyone's, for an interviewer's own (the overdue are few of all).
            models.Index(
                fields=["ended_at", "id"],
                condition=models.Q(interview_owed=True, ended_at__isnull=False),
                name="missing_episode_owed_all",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="missing_episode_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(type__in=EpisodeType.values), name="missing_episode_type_m_or_a"
            ),
            # The import is idempotent by police reference per recording agency.
            models.UniqueConstraint(
                fields=["agency", "police_reference"],
                condition=~Q(police_reference=""),
                name="unique_police_reference_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} from {self.started_at:%d %b %Y %H:%M}"

    def save(self, *args, **kwargs):
        self.started_at = derived_start(self.left_at, self.last_seen_at) or self.started_at
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"left_at", "last_seen_at"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "started_at"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def interview_due_at(self) -> dt.datetime | None:
        return shifted(self.ended_at, RETURN_INTERVIEW_DUE) if self.ended_at else None

    @property
    def duration(self) -> dt.timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None

    @property
    def reference(self) -> str:
        return f"MIS-{self.pk:07d}"


def derived_start(
    left_at: dt.datetime | None, last_seen_at: dt.datetime | None
) -> dt.datetime | None:
    """An episode starts at the later of leaving and being last seen (a child seen after they
    left is not yet missing)."""
    known = [moment for moment in (left_at, last_seen_at) if moment is not None]
    return max(known) if known else None


class RiskGrading(models.Model):
    """One police risk grading of an episode: the first grade and each regrading, with when, by
    whom and why. The episode's current grade is its latest grading."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="gradings")
    grade = models.CharField(max_length=10, choices=RiskGrade.choices)
    graded_at = models.DateTimeField()
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["graded_at", "id"]
        indexes = [models.Index(fields=["episode", "-graded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__in=RiskGrade.values), name="risk_grading_grade_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} at {self.graded_at:%d %b %Y %H:%M}"

    def save(self, *args, **kwargs):
        # A grading is a fact about the past: a different grade is a new grading.
        if self.pk is not None:
            raise TypeError("Risk gradings are never edited; record a regrading instead.")
        super().save(*args, **kwargs)


class ReturnInterview(models.Model):
    """The return home interview after an episode ("Missing Chats" in Essex): whether it was
    offered and accepted (SSD Y/N/NA), when it was held and by whom, whether the interviewer was
    independent of the child's care (a statutory requirement), what the child said, and the
    actions that follow. The push and pull factors, people and places named are kept as separate
    lists, so that each can later become a link to a person of concern or a location."""

    episode = models.OneToOneField(
        MissingEpisode, on_delete=models.CASCADE, related_name="interview"
    )
    offered = models.CharField(max_length=2, choices=YesNoNA.choices)
    accepted = models.CharField(max_length=2, blank=True, choices=YesNoNA.choices)
    held_at = models.DateTimeField(null=True, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    independent = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the interviewer was independent of the child's care",
    )
    child_account = models.TextField(blank=True, help_text="What the child said")
    push_factors = models.JSONField(default=list, blank=True)
    pull_factors = models.JSONField(default=list, blank=True)
    people_named = models.JSONField(default=list, blank=True)
    places_named = models.JSONField(default=list, blank=True)
    actions_agreed = models.TextField(blank=True)
    agency = models.ForeignKey(
        "reference.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that recorded the interview",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(offered__in=YesNoNA.values), name="return_interview_offered_y_n_na"
            ),
            models.CheckConstraint(
                condition=Q(held_at__isnull=True) | Q(accepted=YesNoNA.YES),
                name="return_interview_held_only_if_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"Return home interview for episode {self.episode_id}"

    @property
    def due_at(self) -> dt.datetime | None:
        return self.episode.interview_due_at

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return interview_status(self.episode, self, now) == InterviewStatus.OVERDUE


def interview_done() -> models.Q:
    """The interviews after which nothing more is owed (interview_status's rule, as a query on
    ReturnInterview): held, declined, or recorded as not applicable or not offered."""
    return (
        models.Q(held_at__isnull=False)
        | models.Q(accepted=YesNoNA.NO)
        | models.Q(offered__in=[YesNoNA.NOT_APPLICABLE, YesNoNA.NO])
    )


def interview_status(
    episode: MissingEpisode, interview: ReturnInterview | None, now: dt.datetime | None = None
) -> InterviewStatus:
    """Where the return home interview stands. Overdue from the 72nd hour after the return
    while it has not been held, unless the child declined it, it was not applicable, or it is
    recorded as not offered (a failure the record shows as such, not as work still due)."""
    now = now or timezone.now()
    if episode.ended_at is None:
        return InterviewStatus.NOT_DUE
    due_at = shifted(episode.ended_at, RETURN_INTERVIEW_DUE)
    if interview is not None:
        if interview.held_at is not None:
            return (
                InterviewStatus.HELD if interview.held_at <= due_at else InterviewStatus.HELD_LATE
            )
        if interview.offered == YesNoNA.NOT_APPLICABLE:
            return InterviewStatus.NOT_APPLICABLE
        if interview.offered == YesNoNA.NO:
            return InterviewStatus.NOT_OFFERED
        if interview.accepted == YesNoNA.NO:
            return InterviewStatus.DECLINED
    return InterviewStatus.OVERDUE if now >= due_at else InterviewStatus.DUE


class RepeatMissingRule(models.Model):
    """The repeat missing rule: a child who has gone missing `episodes` times in `days` days is
    flagged for a strategy discussion and MACE consideration. One row, edited in the admin
    (with history); the default (3 in 90 days) comes from the Essex arrangements."""

    episodes = models.PositiveSmallIntegerField(
        default=3, help_text="How many episodes within the period raise the flag"
    )
    days = models.PositiveSmallIntegerField(
        default=90, help_text="The length of the period, in days, ending now"
    )
    include_away = models.BooleanField(
        default=True,
        help_text=(
            "Count episodes away from placement without authorisation (whereabouts known) as "
            "well as missing ones"
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "repeat missing rule"
        constraints = [
            models.CheckConstraint(condition=Q(episodes__gte=1), name="repeat_rule_episodes_min_1"),
            models.CheckConstraint(condition=Q(days__gte=1), name="repeat_rule_days_min_1"),
        ]

    def __str__(self) -> str:
        return f"{self.episodes} episodes in {self.days} days"

    @classmethod
    def current(cls) -> RepeatMissingRule:
        """The rule in force: the one row (the defaults if it has been deleted)."""
        return cls.objects.order_by("pk").first() or cls()
