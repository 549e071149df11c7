"""Platform-level records that belong to no domain app."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.core.choices import EmailStatus


class DemoDataSet(models.Model):
    """The synthetic demo data set loaded into this database (by `mace seed_demo`). Kept in the
    database, not in a file, so every app server and a re-run on another machine agree on what
    is loaded, and a second run neither fails nor duplicates anything."""

    scale = models.CharField(max_length=20)
    seed = models.IntegerField()
    reference_date = models.DateField(help_text="The 'today' the synthetic dates were built from.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    children = models.PositiveIntegerField(default=0)
    concerns = models.PositiveIntegerField(default=0)
    users = models.PositiveIntegerField(default=0)
    # The large scales load a chunk of children at a time, each chunk in its own transaction,
    # so an interrupted load goes on from the last chunk it finished.
    chunk_size = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(
        default=True, help_text="False while the load is under way or was interrupted."
    )
    counts = models.JSONField(default=dict, blank=True, help_text="Rows loaded, by kind.")
    # Synthetic access events, written after the children a batch at a time, each batch in its
    # own transaction, so an interrupted load writes the rest (mace.demo.access_events).
    access_events_planned = models.PositiveBigIntegerField(default=0)
    access_events = models.PositiveBigIntegerField(default=0, help_text="Written so far.")

    class Meta:
        ordering = ["loaded_at"]

    def __str__(self) -> str:
        return f"{self.scale} (seed {self.seed})"


class Draft(models.Model):
    """What someone has typed into a long form and not yet submitted, kept on the server as they
    type, so a timed-out session or a closed tab loses nothing. One per user and form."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    key = models.CharField(max_length=200, help_text="Which form, e.g. concern:child:42")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_draft_per_form")]

    def __str__(self) -> str:
        return f"{self.user} {self.key}"


class Notification(models.Model):
    """A message for one user in the platform (and by email where configured): a break-glass
    use on a child their agency works with, say.

    Its email is delivered at least once and, short of a crash in a narrow window, exactly once
    (mace.core.notifications): a worker claims it (`claimed_at`), sends it, and only then
    records it sent (`emailed_at`); a failed send counts an attempt and waits `next_attempt_at`
    before the next, until the attempts run out and it is given up."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # --- email delivery ---
    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server accepted the email."
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took the email to send it."
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            # The hourly sweep looks only at emails still to send: a small partial index.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(email_status="pending"),
                name="notification_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.message}"


class RateLimitCounter(models.Model):
    """How many requests one caller (a scope and an address, user or token hash) has made in
    one fixed window of the rate limits (mace.core.ratelimit), when the cache is the database.
    Counted with one atomic INSERT ... ON CONFLICT DO UPDATE, so parallel requests on any
    number of app servers each get their own number. Old windows are pruned as new ones
    start."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="Seconds since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="one_counter_per_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window_idx")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.count}"
