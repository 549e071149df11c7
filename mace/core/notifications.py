"""Telling people something needs them: a notification in the platform (on their "My work" page)
and, where email is configured, a short email sent by the task worker. Emails never carry case
details (email leaves the platform's protection): only that something is waiting and a link.

Every email the platform sends goes through here, and is delivered reliably:

- A notification is *claimed* before its email is sent (an atomic compare-and-set on
  `claimed_at`, as healthchecks does), so two workers, or a worker and the hourly sweep, never
  send the same one. A claim older than CLAIM_EXPIRES is taken over: the worker holding it died.
- It is recorded sent (`emailed_at`) only after the mail server accepted it. A send that raised
  counts a failed attempt, records the error, releases the claim and sets `next_attempt_at`
  with exponential back-off; the task is queued again for then, and `mace periodic`
  (`send_notification_emails`) picks up any that are due, so a lost queue entry loses nothing.
  After MACE_EMAIL_MAX_ATTEMPTS attempts it is given up, which administrators see.
- A send that succeeded is never sent again because recording it failed: recording is retried
  on its own. What remains is at-least-once in one narrow window: if the process dies (or the
  database stays unreachable) after the mail server accepted the email and before `emailed_at`
  is written, the claim expires and the email is sent a second time. Likewise a mail server
  that accepts a message but drops the connection before saying so is seen as a failure and
  the email is tried again. A duplicate "something needs you" email is harmless; a lost
  break-glass alert is not, so the design errs this way."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from mace.core.choices import EmailStatus
from mace.core.models import Notification

if TYPE_CHECKING:
    from mace.accounts.models import User

logger = logging.getLogger(__name__)

# Longer than a send can take (MACE_EMAIL_TIMEOUT, 30 seconds by default, per step of the SMTP
# conversation), so a claim is only taken over from a worker that is no longer sending.
CLAIM_EXPIRES = timedelta(minutes=5)
# However many attempts have failed, the next is at most this far off.
MAX_BACK_OFF = timedelta(hours=1)


def notify(*, recipients: Iterable[User], kind: str, message: str, url: str = "") -> int:
    """Leave each recipient a notification; after the transaction commits, queue the emails."""
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            message=message[:300],
            url=url[:300],
            email_status=EmailStatus.PENDING if user.email else EmailStatus.NOT_NEEDED,
        )
        for user in {u.pk: u for u in recipients}.values()
    )
    ids = [n.pk for n in notifications if n.email_status == EmailStatus.PENDING]
    if ids:
        # robust: failing to queue must not fail the request that has committed; the hourly
        # sweep sends what was never queued.
        transaction.on_commit(lambda: notification_email.enqueue(ids), robust=True)
    return len(notifications)


@task()
def notification_email(notification_ids: list[int]) -> int:
    """Email each recipient that something is waiting for them; answers how many were sent.
    Safe to run twice, or at once in two workers: each email is claimed before it is sent."""
    return sum(notification_email_send(notification_id=pk) == "sent" for pk in notification_ids)


def back_off(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed attempts: doubling from
    MACE_EMAIL_RETRY_SECONDS, never more than MAX_BACK_OFF."""
    wait = timedelta(seconds=settings.MACE_EMAIL_RETRY_SECONDS * 2 ** min(attempts - 1, 20))
    return min(wait, MAX_BACK_OFF)


def _due(now: datetime) -> Q:
    """Emails to send now: waiting, unread, not waiting out a back-off, not claimed by a
    worker that is still alive."""
    return (
        Q(email_status=EmailStatus.PENDING, read_at__isnull=True)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES))
    )


Outcome = Literal["sent", "failed", "skipped"]


def notification_email_send(*, notification_id: int) -> Outcome:
    """Claim one notification's email, send it, and record what happened: "sent" by this call;
    "failed" (recorded for the next attempt, or given up); "skipped" when there was nothing to
    send (sent already, claimed by another worker, not yet due, read, given up)."""
    now = timezone.now()
    # The claim: only one caller's UPDATE matches (the condition is re-checked on the row).
    if not Notification.objects.filter(_due(now), pk=notification_id).update(claimed_at=now):
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    attempts = notification.email_attempts + 1
    address = notification.recipient.email
    if not address or not notification.recipient.is_active:
        Notification.objects.filter(pk=notification_id, claimed_at=now).update(
            email_status=EmailStatus.NOT_NEEDED, claimed_at=None
        )
        return "skipped"
    try:
        accepted = send_mail(
            subject="MACE: something needs your attention",
            message=(
                f"{notification.message}\n\nSign in to MACE to see it: "
                f"{settings.MACE_BASE_URL}{notification.url or '/'}\n\n"
                "This email has no case details. Do not reply to it."
            ),
            from_email=None,
            recipient_list=[address],
        )
        if not accepted:
            raise RuntimeError("the mail server accepted no message")
    except Exception as exc:  # any failure to hand the email over is one failed attempt
        _record_failure(notification_id, claim=now, attempts=attempts, exc=exc)
        return "failed"
    _record_sent(notification_id, attempts=attempts)
    return "sent"


def _record_sent(notification_id: int, *, attempts: int) -> None:
    """Record the email sent. Retried on its own (never by sending again): a database that
    blips now must not turn one email into two."""
    for pause in (1, 2, 4, 0):
        try:
            Notification.objects.filter(pk=notification_id).update(
                email_status=EmailStatus.SENT,
                emailed_at=timezone.now(),
                claimed_at=None,
                next_attempt_at=None,
                email_attempts=attempts,
            )
            return
        except DatabaseError:
            if not pause:
                # The claim stays and expires: the one window in which an email goes twice.
                logger.exception("Notification %s was emailed but not recorded", notification_id)
                raise
            connection.close()  # the next query opens a fresh connection
            time.sleep(pause)


def _record_failure(
    notification_id: int, *, claim: datetime, attempts: int, exc: Exception
) -> None:
    """Count a failed attempt, release the claim, and schedule the next attempt (queued for the
    worker at that time) or give up after MACE_EMAIL_MAX_ATTEMPTS."""
    error = f"{type(exc).__name__}: {exc}"[:300]
    gave_up = attempts >= settings.MACE_EMAIL_MAX_ATTEMPTS
    next_attempt_at = None if gave_up else timezone.now() + back_off(attempts)
    recorded = Notification.objects.filter(pk=notification_id, claimed_at=claim).update(
        email_status=EmailStatus.GAVE_UP if gave_up else EmailStatus.PENDING,
        email_attempts=attempts,
        last_error=error,
        next_attempt_at=next_attempt_at,
        claimed_at=None,
    )
    if gave_up:
        logger.error(
            "Gave up emailing notification %s after %s attempts: %s",
            notification_id,
            attempts,
            error,
        )
        return
    logger.warning(
        "Emailing notification %s failed (attempt %s), trying again at %s: %s",
        notification_id,
        attempts,
        next_attempt_at,
        error,
    )
    if recorded and next_attempt_at is not None:
        try:
            notification_email.using(run_after=next_attempt_at).enqueue([notification_id])
        except Exception:  # the hourly sweep finds it when it is due
            logger.exception(
                "Could not queue the next attempt for notification %s", notification_id
            )


def notification_emails_sweep(*, limit: int = 500, stop_after_failures: int = 3) -> dict[str, int]:
    """The hourly sweep (`mace send_notification_emails`, run by `mace periodic`): send every
    email that is due, whether its queued task was lost, the worker is down, or a retry is
    due; forget those read in the platform meanwhile. Stops early when the mail server keeps
    failing, so an outage does not hold the other sweeps; the rest wait for their next attempt."""
    now = timezone.now()
    not_needed = Notification.objects.filter(
        email_status=EmailStatus.PENDING, read_at__isnull=False, claimed_at__isnull=True
    ).update(email_status=EmailStatus.NOT_NEEDED)
    due = list(
        Notification.objects.filter(_due(now))
        .order_by("next_attempt_at", "created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = in_a_row = 0
    for pk in due:
        outcome = notification_email_send(notification_id=pk)
        if outcome == "sent":
            sent, in_a_row = sent + 1, 0
        elif outcome == "failed":
            failed, in_a_row = failed + 1, in_a_row + 1
            if in_a_row >= stop_after_failures:
                break
    gave_up = undelivered_email_count()
    return {
        "due": len(due),
        "sent": sent,
        "failed": failed,
        "not_needed": not_needed,
        "gave_up": gave_up,
    }


def notification_emails_retry_given_up() -> int:
    """Put every given-up email back in line with a fresh count of attempts (after the mail
    server is mended: `mace send_notification_emails --retry-given-up`). Answers how many."""
    return Notification.objects.filter(email_status=EmailStatus.GAVE_UP).update(
        email_status=EmailStatus.PENDING, email_attempts=0, next_attempt_at=None, claimed_at=None
    )


def undelivered_email_count() -> int:
    """How many notification emails were given up: for the administrators' attention."""
    return Notification.objects.filter(email_status=EmailStatus.GAVE_UP).count()


def notification_open(*, user: User, notification_id: int) -> Notification:
    """The user's own notification, marked read. Another user's answers DoesNotExist."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return notification
