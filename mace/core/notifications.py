"""Telling people something needs them: a notification in the platform (on their "My work" page)
and, where email is configured, a short email sent by the task worker. Emails never carry case
details (email leaves the platform's protection): only that something is waiting and a link."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from mace.core.models import Notification

if TYPE_CHECKING:
    from mace.accounts.models import User


def notify(*, recipients: Iterable[User], kind: str, message: str, url: str = "") -> int:
    """Leave each recipient a notification; after the transaction commits, queue the emails."""
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, message=message[:300], url=url[:300])
        for user in {u.pk: u for u in recipients}.values()
    )
    ids = [n.pk for n in notifications]
    if ids:
        transaction.on_commit(lambda: notification_email.enqueue(ids))
    return len(ids)


@task()
def notification_email(notification_ids: list[int]) -> int:
    """Email each recipient that something is waiting for them. Safe to run twice: a
    notification already emailed (or read) is not emailed again."""
    sent = 0
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, read_at__isnull=True
    ).select_related("recipient"):
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not notification.recipient.email:
            continue
        send_mail(
            subject="MACE: something needs your attention",
            message=(
                f"{notification.message}\n\nSign in to MACE to see it: "
                f"{settings.MACE_BASE_URL}{notification.url or '/'}\n\n"
                "This email has no case details. Do not reply to it."
            ),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        sent += 1
    return sent


def notification_open(*, user: User, notification_id: int) -> Notification:
    """The user's own notification, marked read. Another user's answers DoesNotExist."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return notification
