"""Notification emails are marked sent only once the mail server accepted them; a failed send is
tried again with back-off (by the task worker, and by the hourly sweep should a queued retry be
lost), is never sent twice, and is given up after MACE_EMAIL_MAX_ATTEMPTS where administrators
see it. The mail server is faked with Django email backends (tests/core/mail_backends.py)."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mace.accounts.choices import Role
from mace.core.choices import EmailStatus
from mace.core.models import Notification
from mace.core.notifications import notification_email, notify
from tests.api import signed_in
from tests.conftest import CSC
from tests.core.mail_backends import FLAKY, SLOW, FlakyBackend
from tests.factories import UserFactory, agency


@pytest.fixture
def flaky_mail(settings, mailoutbox):  # type: ignore[no-untyped-def]
    """A mail server that refuses the next `n` emails: flaky_mail(n)."""
    settings.MAILERS = {"default": {"BACKEND": FLAKY}}

    def refuse(n: int) -> None:
        FlakyBackend.failures = n

    yield refuse
    FlakyBackend.failures = 0


@pytest.fixture
def reference_data(transactional_db):  # type: ignore[no-untyped-def]
    """A transactional test before this one may have emptied the tables the migrations filled."""
    from django.apps import apps

    from mace.reference.data import load

    load(apps)


def a_notification(user) -> Notification:  # type: ignore[no-untyped-def]
    notify(recipients=[user], kind="test", message="Something is waiting for you", url="/")
    return Notification.objects.get(recipient=user)


def sweep() -> str:
    """The hourly sweep, as `mace periodic` runs it."""
    output = StringIO()
    call_command("send_notification_emails", stdout=output)
    return output.getvalue()


def time_passes(notification: Notification) -> None:
    """The back-off runs out: the next attempt (and its queued task) is due now."""
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_a_failed_send_leaves_the_email_unsent_with_one_attempt_and_a_next_one(manager, flaky_mail):
    flaky_mail(1)
    notification = a_notification(manager)
    before = timezone.now()
    assert notification_email.call([notification.pk]) == 0
    notification.refresh_from_db()
    assert mail.outbox == []
    assert notification.emailed_at is None
    assert notification.email_status == EmailStatus.PENDING
    assert notification.email_attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    assert notification.claimed_at is None  # released for the next attempt
    # The first wait is MACE_EMAIL_RETRY_SECONDS (60 by default).
    assert notification.next_attempt_at is not None
    wait = notification.next_attempt_at - before
    assert dt.timedelta(seconds=59) < wait < dt.timedelta(seconds=70)
    # The worker is asked to try again then.
    (retry,) = DBTaskResult.objects.filter(task_path__endswith="notification_email")
    assert retry.args_kwargs["args"] == [[notification.pk]]
    assert retry.run_after == notification.next_attempt_at


def test_the_next_attempt_waits_for_the_back_off_then_sends_it_exactly_once(manager, flaky_mail):
    flaky_mail(1)
    notification = a_notification(manager)
    notification_email.call([notification.pk])
    assert notification_email.call([notification.pk]) == 0  # not due yet
    assert mail.outbox == []
    time_passes(notification)
    assert notification_email.call([notification.pk]) == 1
    assert notification_email.call([notification.pk]) == 0
    sweep()
    (email,) = mail.outbox
    assert email.to == [manager.email]
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT
    assert notification.emailed_at is not None
    assert notification.email_attempts == 2


def test_each_failure_doubles_the_wait(manager, flaky_mail, settings):
    settings.MACE_EMAIL_RETRY_SECONDS = 100
    flaky_mail(3)
    notification = a_notification(manager)
    waits = []
    for _ in range(3):
        start = timezone.now()
        notification_email.call([notification.pk])
        notification.refresh_from_db()
        assert notification.next_attempt_at is not None
        waits.append(round((notification.next_attempt_at - start).total_seconds(), -1))
        time_passes(notification)
    assert waits == [100, 200, 400]


def test_the_hourly_sweep_sends_an_email_whose_queued_task_was_lost(manager, mailoutbox):
    notification = a_notification(manager)  # never committed here, so never queued
    assert DBTaskResult.objects.count() == 0
    output = StringIO()
    call_command("periodic", "--only", "send_notification_emails", stdout=output)
    assert "1 notification email(s) sent" in output.getvalue()
    (email,) = mailoutbox
    assert email.to == [manager.email]
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT


def test_the_sweep_retries_a_failed_email_once_it_is_due(manager, flaky_mail):
    flaky_mail(1)
    notification = a_notification(manager)
    notification_email.call([notification.pk])
    DBTaskResult.objects.all().delete()  # the queued retry is lost
    sweep()
    assert mail.outbox == []  # not due yet
    time_passes(notification)
    sweep()
    sweep()
    assert len(mail.outbox) == 1


def test_a_claim_held_by_a_live_worker_is_left_alone_and_a_dead_workers_is_taken_over(
    manager, mailoutbox
):
    notification = a_notification(manager)
    Notification.objects.filter(pk=notification.pk).update(claimed_at=timezone.now())
    assert notification_email.call([notification.pk]) == 0
    assert mailoutbox == []
    # The worker died between its claim and the send: after a few minutes the claim expires.
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=6)
    )
    assert notification_email.call([notification.pk]) == 1
    assert len(mailoutbox) == 1


def test_giving_up_after_the_configured_attempts_shows_to_administrators(
    manager, admin_user, flaky_mail, settings
):
    settings.MACE_EMAIL_MAX_ATTEMPTS = 3
    flaky_mail(100)
    notification = a_notification(manager)
    for attempt in range(3):
        if attempt:
            time_passes(notification)
        notification_email.call([notification.pk])
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.GAVE_UP
    assert notification.email_attempts == 3
    assert notification.next_attempt_at is None
    # Nothing tries it again, and no retry is left queued beyond the two after attempts 1 and 2.
    FlakyBackend.failures = 0
    assert notification_email.call([notification.pk]) == 0
    sweep()
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 2
    # The system administrator's "My work" page counts it; the admin lists it with its error.
    client = signed_in(admin_user)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "1 notification email could not be delivered" in page
    admin_user.user_permissions.add(Permission.objects.get(codename="view_notification"))
    page = client.get(reverse("dashboard:home")).content.decode()
    changelist = reverse("admin:core_notification_changelist") + "?email_status__exact=gave_up"
    assert changelist.replace("?", "") in page.replace("?", "").replace("&amp;", "&")
    listing = client.get(changelist)
    assert listing.status_code == 200
    assert "SMTPServerDisconnected" in listing.content.decode()
    # It stays in the platform for its recipient.
    assert "Something is waiting for you" in signed_in(manager).get("/").content.decode()


def test_an_operator_can_put_given_up_emails_back_in_line_once_the_mail_server_works(
    manager, flaky_mail, settings
):
    settings.MACE_EMAIL_MAX_ATTEMPTS = 1
    flaky_mail(1)
    notification = a_notification(manager)
    notification_email.call([notification.pk])
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.GAVE_UP
    output = StringIO()
    call_command("send_notification_emails", "--retry-given-up", stdout=output)
    assert "1 given-up email(s) put back in line" in output.getvalue()
    (email,) = mail.outbox
    assert email.to == [manager.email]
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (EmailStatus.SENT, 1)


def test_a_working_mail_server_leaves_nothing_for_administrators(admin_user, manager, mailoutbox):
    notification_email.call([a_notification(manager).pk])
    page = signed_in(admin_user).get(reverse("dashboard:home")).content.decode()
    assert "could not be delivered" not in page


def test_someone_without_an_email_address_is_told_in_the_platform_only(csc, mailoutbox):
    user = UserFactory(agency=csc, email="", roles=[Role.AGENCY_MANAGER])
    notification = a_notification(user)
    assert notification.email_status == EmailStatus.NOT_NEEDED
    assert notification_email.call([notification.pk]) == 0
    sweep()
    assert mailoutbox == []


def test_a_notification_read_before_its_email_went_is_not_emailed(manager, mailoutbox):
    notification = a_notification(manager)
    signed_in(manager).get(reverse("core:notification_open", args=[notification.pk]))
    assert notification_email.call([notification.pk]) == 0
    sweep()
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.NOT_NEEDED


def test_the_task_worker_retries_a_failed_email_and_sends_it_once(flaky_mail, reference_data):
    flaky_mail(1)
    manager = UserFactory(agency=agency(CSC), roles=[Role.AGENCY_MANAGER])
    with transaction.atomic():
        notify(recipients=[manager], kind="test", message="Something is waiting", url="/")
    # The real worker (`mace db_worker`), running what is ready and stopping.
    worker = ["db_worker", "--batch", "--no-startup-delay", "--interval", "0"]
    call_command(*worker)
    notification = Notification.objects.get()
    assert (notification.email_status, notification.email_attempts) == (EmailStatus.PENDING, 1)
    assert mail.outbox == []
    call_command(*worker)  # the retry is not due yet
    assert mail.outbox == []
    time_passes(notification)
    call_command(*worker)
    call_command(*worker)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT


def test_two_workers_at_once_send_one_email(settings, mailoutbox, reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("real-threads race runs on PostgreSQL (SQLite serialises every writer)")
    settings.MAILERS = {"default": {"BACKEND": SLOW}}
    manager = UserFactory(agency=agency(CSC), roles=[Role.AGENCY_MANAGER])
    notification = a_notification(manager)
    threads = 4
    barrier = threading.Barrier(threads)
    sent: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            barrier.wait()
            result = notification_email.call([notification.pk])
        finally:
            connection.close()
        with lock:
            sent.append(result)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(sent) == [0] * (threads - 1) + [1]
    assert len(mail.outbox) == 1
