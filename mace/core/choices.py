"""Enumerations of the platform-level records."""

from __future__ import annotations

from django.db import models


class EmailStatus(models.TextChoices):
    """Where a notification's email is: waiting to go (or to be tried again), accepted by the
    mail server, given up after the configured number of attempts, or never needed (the
    recipient has no email address, or read it in the platform before the email went)."""

    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    GAVE_UP = "gave_up", "Not delivered (gave up)"
    NOT_NEEDED = "not_needed", "Not needed"
