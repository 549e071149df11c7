"""MACE meetings of each quadrant (part 1 and part 2), their agendas, attendance, discussions and
decisions, minutes, and the actions they give partner agencies.

A meeting moves on in one direction: scheduled (the coordinator drafts and edits the agenda),
agenda frozen (the pack goes to members; the meeting records its discussions), held, minutes
signed off by a chair (after which they change only by a recorded amendment)."""

from __future__ import annotations

import calendar
import datetime as dt
from datetime import time
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.assessments.choices import RiskLevel
from mace.meetings.choices import (
    ActionStatus,
    AgendaReason,
    Attendance,
    Decision,
    MeetingPart,
    MeetingStatus,
)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th such weekday of the month (the last one when the month has fewer)."""
    days = [
        day
        for day in calendar.Calendar().itermonthdates(year, month)
        if day.month == month and day.weekday() == weekday
    ]
    return days[min(n, len(days)) - 1]


def _months_from(today: dt.date, count: int) -> list[tuple[int, int]]:
    """(year, month) of `count` months, today's first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append((year, month))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


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
    invited_agencies = models.ManyToManyField(
        "reference.Agency", blank=True, related_name="+", help_text="Agencies asked to attend"
    )
    notes = models.TextField(
        blank=True, help_text="General minutes: matters arising, other business"
    )
    stay_safe_themes = models.TextField(
        blank=True, help_text="Part 2: themes to pass to the Stay Safe groups"
    )
    training_themes = models.TextField(
        blank=True, help_text="Part 2: themes for the partnership's training"
    )
    agenda_frozen_at = models.DateTimeField(null=True, blank=True)
    agenda_frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carried_actions: models.ManyToManyField[Action, Any] = models.ManyToManyField(
        "Action",
        blank=True,
        related_name="carried_to",
        help_text="Overdue actions of earlier meetings, carried forward when the agenda froze",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[chairs, invited_agencies])

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["quadrant", "part", "-starts_at"])]

    def __str__(self) -> str:
        return f"{self.quadrant} MACE part {self.part}, {self.starts_at:%d %b %Y}"

    @property
    def agenda_open(self) -> bool:
        """The coordinator may still change the agenda."""
        return self.status == MeetingStatus.SCHEDULED

    @property
    def signed_off(self) -> bool:
        return self.status == MeetingStatus.SIGNED_OFF

    @property
    def is_part_1(self) -> bool:
        return self.part == MeetingPart.PART_1


class MeetingCadence(models.Model):
    """When a quadrant's meetings fall: part 1 every month and part 2 every other month by
    default, on the same weekday of the same week of the month. An administrator edits it."""

    quadrant = models.OneToOneField(
        "reference.Quadrant", on_delete=models.CASCADE, related_name="meeting_cadence"
    )
    part_1_every_months = models.PositiveSmallIntegerField(default=1)
    part_2_every_months = models.PositiveSmallIntegerField(default=2)
    weekday = models.PositiveSmallIntegerField(
        default=2,
        help_text="0 Monday ... 4 Friday",
        choices=[
            (i, d) for i, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
        ],
    )
    week_of_month = models.PositiveSmallIntegerField(
        default=2, help_text="1 for the first such weekday of the month ... 4 for the fourth"
    )
    part_1_time = models.TimeField(default=time(10, 0))
    part_2_time = models.TimeField(default=time(14, 0))
    place = models.CharField(max_length=200, default="Online")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.quadrant} MACE cadence"

    def day_in(self, year: int, month: int) -> dt.date:
        """The cadence's meeting day in that month: its week_of_month-th weekday (the last such
        weekday when the month has fewer)."""
        return nth_weekday(year, month, self.weekday, self.week_of_month)

    def meetings_due(self, *, today: dt.date, months: int) -> list[tuple[int, dt.datetime]]:
        """(part, start) of each meeting the cadence puts in the coming months (this one
        included), from today on: a part falls in the months whose index (year * 12 + month - 1)
        its every-so-many-months divides."""
        due = []
        for year, month in _months_from(today, months):
            index = year * 12 + month - 1
            day = self.day_in(year, month)
            if day < today:
                continue
            for part, every, at in (
                (MeetingPart.PART_1, self.part_1_every_months, self.part_1_time),
                (MeetingPart.PART_2, self.part_2_every_months, self.part_2_time),
            ):
                if every and index % every == 0:
                    starts_at = timezone.make_aware(dt.datetime.combine(day, at))
                    due.append((int(part), starts_at))
        return due


class MeetingMember(models.Model):
    """Someone asked to a meeting, with their attendance. A person with an account is a user;
    a guest from an invited agency is a name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency", "name"], name="one_member_row")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class AgendaItem(models.Model):
    """A child on a part 1 agenda, with why. Removing one before the freeze keeps the row (and
    why), so redrafting from the criteria does not put the child back."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=list, help_text="AgendaReason codes")
    detail = models.TextField(blank=True, help_text="What the coordinator wants the panel to know")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "child"], name="child_once_per_agenda")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: child {self.child_id}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(AgendaReason.choices)
        return [labels.get(code, code) for code in self.reasons]


class Discussion(models.Model):
    """What the panel agreed about one child on the agenda. Its decision goes to the child's
    chronology when a chair signs the minutes off."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="discussion")
    agreed_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    plan = models.TextField()
    disruption_opportunities = models.TextField(blank=True)
    evidence_to_collect = models.TextField(
        blank=True, help_text="Evidence to collect for a prosecution"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    review_by = models.DateField(
        null=True,
        blank=True,
        help_text="Staying on MACE: the panel reviews the child at its first meeting on or after "
        "this date (blank: at the next meeting)",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    chronology_entry = models.ForeignKey(
        "people.ChronologyEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.item}: {self.get_decision_display()}"


class Threat(models.Model):
    """Part 2: a threat the panel discussed (a person, a location, a vehicle, an online space),
    with what it concluded."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="threats")
    record = models.ForeignKey(
        "intelligence.Record",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person, location, vehicle, phone or account, when it has a record",
    )
    title = models.CharField(max_length=200)
    discussion = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class MinutesAmendment(models.Model):
    """A change to signed-off minutes: never an edit, always a recorded amendment."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(help_text="What the minutes now say")
    reason = models.TextField(help_text="Why they change")

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"Amendment to {self.meeting}"


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
    threat = models.ForeignKey(
        Threat,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        help_text="The part 2 threat it answers",
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

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class ActionUpdate(models.Model):
    """The owner's progress on an action: a note and the status it leaves the action in."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField()

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.get_status_display()}"
