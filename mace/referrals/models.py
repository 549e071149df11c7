"""Referrals between agencies and services.

A practitioner who sends a concern about a child to children's social care, the police, CARE or
the Choices programme makes a referral: it reaches the receiving service's inbox with what the
referrer chose to share, the lawful basis for sharing and whether the child or family agreed,
and a response due date from the service's response target. The service acknowledges it, then
accepts it (its agency becomes involved with the child, which opens the child's record to it),
declines it with a reason the referrer is told, or passes it on to another service. Until the
service accepts, it sees the referral and nothing else of the child's record."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from mace.core.workdays import add_working_days
from mace.referrals.choices import (
    OPEN_STATUSES,
    Consent,
    LawfulBasis,
    ReferralStatus,
    ServiceKind,
)

if TYPE_CHECKING:
    from mace.accounts.models import User


class ReferralService(models.Model):
    """A service that receives referrals: an agency's front door (a council's children's social
    care, the police) or a service for children at risk (CARE, the Choices programme), with the
    areas it takes referrals for and how soon it aims to respond."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=ServiceKind.choices)
    agency = models.ForeignKey(
        "reference.Agency",
        on_delete=models.PROTECT,
        related_name="referral_services",
        help_text="The agency whose staff receive and act on the referrals.",
    )
    areas = models.ManyToManyField(
        "reference.Area",
        blank=True,
        related_name="+",
        help_text=(
            "The council areas it takes referrals for. None: every area that no other service of "
            "its kind covers."
        ),
    )
    response_days = models.PositiveSmallIntegerField(
        help_text="How many days the service aims to respond within."
    )
    working_days = models.BooleanField(
        default=False,
        help_text="Count the response target in working days (weekends and bank holidays skip).",
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    contact_note = models.CharField(
        max_length=300, blank=True, help_text="When and how to contact the service."
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def due_on(self, sent_on: dt.date) -> dt.date:
        """When a referral sent on `sent_on` should have had its response."""
        if self.working_days:
            return add_working_days(sent_on, self.response_days)
        return sent_on + dt.timedelta(days=self.response_days)

    @property
    def response_target(self) -> str:
        unit = "working day" if self.working_days else "day"
        return f"{self.response_days} {unit}{'' if self.response_days == 1 else 's'}"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User | None) -> ReferralQuerySet:
        from mace.access import policy

        scoped = policy.scope_referrals(user, self)
        assert isinstance(scoped, ReferralQuerySet)
        return scoped

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Referral(models.Model):
    """One referral of a child to a service."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(ReferralService, on_delete=models.PROTECT, related_name="referrals")
    concern = models.ForeignKey(
        "concerns.Concern",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The concern sent with it, with its indicators.",
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    from_agency = models.ForeignKey(
        "reference.Agency", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    reason = models.TextField(
        blank=True, help_text="Why the child is referred, and what the referrer asks for."
    )
    attachments = models.ManyToManyField(
        "people.ChronologyEntry",
        blank=True,
        related_name="+",
        help_text="The entries of the child's chronology the referrer chose to share.",
    )
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    consent = models.CharField(max_length=12, choices=Consent.choices)
    consent_note = models.TextField(
        blank=True, help_text="Why consent was not sought, or why sharing went ahead without it."
    )
    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.WAITING
    )
    sent_at = models.DateTimeField()
    due_on = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    passed_to = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passed_from",
        help_text="The referral this one was passed on as.",
    )
    reminded_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day the service's managers were told it is overdue.",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            # One open referral of a child to a service at a time: a second would be answered
            # twice, or not at all.
            models.UniqueConstraint(
                fields=["child", "service"],
                condition=Q(status__in=OPEN_STATUSES),
                name="referrals_one_open_per_service",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="referrals_declined_with_reason",
            ),
        ]
        indexes = [
            # A service's inbox: what is open, soonest due first.
            models.Index(
                fields=["service", "due_on", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="referrals_inbox",
            ),
            # What an agency sent, newest first.
            models.Index(fields=["from_agency", "-sent_at", "-id"], name="referrals_sent"),
            models.Index(fields=["child", "-sent_at"], name="referrals_child"),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.service} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today
