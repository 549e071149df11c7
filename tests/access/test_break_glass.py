"""Break-glass: someone whose agency does not work with a child, but who needs the record now (a
missing child, out of hours), gives the child's strong identifier and date of birth, states a
reason and gets read access at once for a limited time. The involved agencies' managers are
told, and each use waits for a manager's review. (What a grant may not do, write, is in
test_break_glass_is_read_only.py.)"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mace.access.choices import AccessAction, AccessOutcome, BreakGlassReason, BreakGlassReview
from mace.access.models import AccessEvent, BreakGlassGrant
from mace.access.services import break_glass_request, break_glass_review
from mace.accounts.choices import Role
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.core.models import Notification
from mace.core.notifications import notification_email
from mace.people.models import ChildIdentifier
from tests.api import FICTIONAL_NHS_NUMBER, signed_in
from tests.factories import UserFactory, agency
from tests.pages import assert_error_summary

REASON = "Reported missing at 02:10 tonight, police reference ZZ/0000/26 (fictional)."


@pytest.fixture
def nhs(child):  # type: ignore[no-untyped-def]
    ChildIdentifier.objects.create(child=child, type="nhs", value=FICTIONAL_NHS_NUMBER)
    return FICTIONAL_NHS_NUMBER


def request_access(user, identifier, dob=None, **overrides):  # type: ignore[no-untyped-def]
    """Ask for emergency access on the page; `dob` defaults to the date of birth of the one child
    in the test (the fixture `child`)."""
    from mace.people.models import Child

    dob = dob if dob is not None else Child.objects.order_by("pk").first().dob
    data = {
        "identifier": identifier,
        "dob-day": dob.day if dob else "",
        "dob-month": dob.month if dob else "",
        "dob-year": dob.year if dob else "",
        "reason_category": "missing",
        "reason": REASON,
        **overrides,
    }
    return signed_in(user).post(reverse("access:break_glass_new"), data)


def test_an_outsider_gets_emergency_access_and_sees_the_record_with_a_banner(bob, child, nhs):
    assert signed_in(bob).get(reverse("people:detail", args=[child.pk])).status_code == 404
    response = request_access(bob, nhs)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.child, grant.reason_category) == (bob, child, "missing")
    assert grant.expires_at - grant.granted_at == dt.timedelta(hours=24)
    page = signed_in(bob).get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "You are seeing this record through emergency access" in html
    assert child.full_name in html
    event = AccessEvent.objects.get(user=bob, action=AccessAction.BREAK_GLASS)
    assert REASON in event.detail and event.object_id == str(grant.pk)


def test_emergency_access_reads_but_does_not_change_the_childs_details(bob, child, nhs):
    request_access(bob, nhs)
    client = signed_in(bob)
    # They know the child exists now, so the refusal says so rather than pretending otherwise.
    assert client.get(reverse("people:child_edit", args=[child.pk])).status_code == 403
    assert client.get(f"/api/v1/children/{child.pk}").status_code == 200


def test_a_mace_reference_never_gives_access_even_with_the_right_date_of_birth(bob, child):
    # References are sequential (MACE-14 follows MACE-13): anyone could walk them.
    response = request_access(bob, f"mace {child.pk:07d}", child.dob)
    html = response.content.decode()
    assert response.status_code == 200
    assert "No record has that identifier with that date of birth" in html
    assert child.surname not in html and "Essex Children" not in html
    assert not BreakGlassGrant.objects.exists()
    assert AccessEvent.objects.filter(
        user=bob, child=child, action=AccessAction.BREAK_GLASS, outcome=AccessOutcome.REFUSED
    ).exists()


def test_the_wrong_date_of_birth_answers_as_an_unknown_identifier_does(bob, child, nhs):
    wrong = request_access(bob, nhs, child.dob - dt.timedelta(days=1)).content.decode()
    unknown = request_access(bob, "9990000000", child.dob).content.decode()
    message = "No record has that identifier with that date of birth"
    assert message in wrong and message in unknown
    assert child.surname not in wrong and "Essex Children" not in wrong
    assert not BreakGlassGrant.objects.exists()
    assert not Notification.objects.exists()
    refused = AccessEvent.objects.get(user=bob, outcome=AccessOutcome.REFUSED)
    assert (refused.child, refused.action) == (child, AccessAction.BREAK_GLASS)


def test_a_weak_identifier_never_gives_access(bob, child):
    ChildIdentifier.objects.create(child=child, type="other", value="FICTIONAL-OTHER-1")
    response = request_access(bob, "FICTIONAL-OTHER-1", child.dob)
    assert "No record has that identifier with that date of birth" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_the_date_of_birth_is_required(bob, child, nhs):
    blank = {"dob-day": "", "dob-month": "", "dob-year": ""}
    response = request_access(bob, nhs, dob=None, **blank)
    assert_error_summary(response.content.decode(), "dob-day")
    assert not BreakGlassGrant.objects.exists()
    with pytest.raises(DomainError) as refused:
        break_glass_request(
            actor=bob, identifier=nhs, dob=None, reason_category="missing", reason=REASON
        )
    assert "dob" in refused.value.errors


def test_the_involved_agencies_managers_are_told_without_case_details_in_the_email(
    bob, manager, police_manager, child, nhs, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_access(bob, nhs)
    notification = Notification.objects.get()
    assert notification.recipient == manager  # CSC works with the child; the police do not
    assert "took emergency access" in notification.message
    assert notification.url == reverse(
        "access:break_glass_review", args=[BreakGlassGrant.objects.get().pk]
    )
    # The worker sends the email; running the task here sends it once, whatever runs it again.
    assert notification_email.call([notification.pk]) == 1
    assert notification_email.call([notification.pk]) == 0
    (email,) = mailoutbox
    assert email.to == [manager.email]
    assert child.surname not in email.body and child.forename not in email.body
    assert notification.url in email.body


def test_a_break_glass_email_the_mail_server_refused_is_sent_later_and_only_once(
    bob, manager, child, nhs, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.core.mail_backends import FLAKY, FlakyBackend

    settings.MAILERS = {"default": {"BACKEND": FLAKY}}
    FlakyBackend.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        request_access(bob, nhs)
    notification = Notification.objects.get()
    # The queued task runs while the mail server is down: nothing is marked sent.
    assert notification_email.call([notification.pk]) == 0
    notification.refresh_from_db()
    assert (notification.emailed_at, notification.email_attempts) == (None, 1)
    # Once the back-off has passed, the hourly sweep (or the queued retry) sends it, once.
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    call_command("send_notification_emails", stdout=StringIO())
    assert notification_email.call([notification.pk]) == 0
    (email,) = mail.outbox
    assert email.to == [manager.email]
    assert child.surname not in email.body and child.forename not in email.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_with_no_involved_manager_the_data_protection_officers_are_told(bob, child, nhs, dpo):
    request_access(bob, nhs)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [dpo.pk]


def test_bad_requests_show_every_error_and_grant_nothing(bob, child, nhs):
    response = request_access(bob, "", reason_category="", reason="urgent")
    assert response.status_code == 200
    assert_error_summary(response.content.decode(), "identifier", "reason_category_0", "reason")
    unknown = request_access(bob, "9990000000")
    assert "No record has that identifier with that date of birth" in unknown.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert not Notification.objects.exists()


def test_someone_who_already_sees_the_child_is_told_so(alice, child, nhs):
    response = request_access(alice, nhs)
    assert "You can already see this child" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_asking_again_while_access_lasts_gives_the_same_grant(bob, child, nhs):
    first = break_glass_request(
        actor=bob, identifier=nhs, dob=child.dob, reason_category="missing", reason=REASON
    )
    again = break_glass_request(
        actor=bob, identifier=nhs, dob=child.dob, reason_category="other", reason=REASON
    )
    assert again == first and BreakGlassGrant.objects.count() == 1


def test_roles_without_case_content_cannot_ask(district, board, admin_user, child, nhs):
    for user in (district, board, admin_user):
        assert signed_in(user).get(reverse("access:break_glass_new")).status_code == 403
        with pytest.raises(Refused):
            break_glass_request(
                actor=user, identifier=nhs, dob=child.dob, reason_category="missing", reason=REASON
            )


def test_access_ends_when_it_expires_or_is_given_up(bob, child, nhs):
    request_access(bob, nhs)
    grant = BreakGlassGrant.objects.get()
    client = signed_in(bob)
    url = reverse("people:detail", args=[child.pk])
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(url).status_code == 404
    request_access(bob, nhs)
    fresh = BreakGlassGrant.objects.latest("granted_at")
    assert client.get(url).status_code == 200
    assert client.post(reverse("access:break_glass_end", args=[fresh.pk])).status_code == 302
    assert client.get(url).status_code == 404
    fresh.refresh_from_db()
    assert fresh.ended_at is not None and not fresh.is_active


def test_nobody_else_can_give_up_someone_elses_access(bob, alice, child, nhs):
    request_access(bob, nhs)
    grant = BreakGlassGrant.objects.get()
    response = signed_in(alice).post(reverse("access:break_glass_end", args=[grant.pk]))
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.ended_at is None


# The review ------------------------------------------------------------------------------------


@pytest.fixture
def grant(bob, child, nhs):  # type: ignore[no-untyped-def]
    grant = break_glass_request(
        actor=bob, identifier=nhs, dob=child.dob, reason_category="missing", reason=REASON
    )
    signed_in(bob).get(reverse("people:detail", args=[child.pk]))
    return grant


def review_url(grant) -> str:  # type: ignore[no-untyped-def]
    return reverse("access:break_glass_review", args=[grant.pk])


def test_a_manager_sees_the_use_waiting_with_what_was_looked_at_and_marks_it(manager, grant):
    listing = signed_in(manager).get(reverse("access:break_glass_list")).content.decode()
    assert review_url(grant) in listing and "Not yet reviewed" in listing
    page = signed_in(manager).get(review_url(grant)).content.decode()
    assert REASON in page and "Viewed the child&#x27;s record" in page
    response = signed_in(manager).post(
        review_url(grant), {"version": grant.version, "outcome": "appropriate", "note": ""}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.review_status == BreakGlassReview.APPROPRIATE
    assert (grant.reviewed_by, grant.version) == (manager, 2)
    pending = signed_in(manager).get(reverse("access:break_glass_list")).content.decode()
    assert review_url(grant) not in pending


def test_referring_it_on_needs_a_note(manager, grant):
    response = signed_in(manager).post(
        review_url(grant), {"version": grant.version, "outcome": "referred", "note": " "}
    )
    assert_error_summary(response.content.decode(), "note")
    grant.refresh_from_db()
    assert grant.review_status == BreakGlassReview.PENDING


def test_a_second_reviewer_working_from_an_old_copy_is_told_and_overwrites_nothing(
    manager, csc, grant
):
    other = UserFactory(agency=csc, roles=[Role.AGENCY_MANAGER])
    break_glass_review(actor=other, grant=grant, version=1, outcome="referred", note="To DPO")
    response = signed_in(manager).post(
        review_url(grant), {"version": 1, "outcome": "appropriate", "note": ""}
    )
    assert "Someone else reviewed this use" in response.content.decode()
    grant.refresh_from_db()
    assert (grant.review_status, grant.reviewed_by) == (BreakGlassReview.REFERRED, other)
    with pytest.raises(ConflictError):
        break_glass_review(actor=manager, grant=grant, version=1, outcome="appropriate", note="")


def test_the_second_reviewer_sees_both_reviews_side_by_side_and_can_save_theirs_over_it(
    manager, csc, grant
):
    other = UserFactory(agency=csc, roles=[Role.AGENCY_MANAGER])
    break_glass_review(actor=other, grant=grant, version=1, outcome="referred", note="To DPO")
    typed = {"version": 1, "outcome": "appropriate", "note": "Seen the log: fine"}
    page = signed_in(manager).post(review_url(grant), typed).content.decode()
    assert 'id="conflict"' in page
    assert "Yes, it was appropriate" in page and "Seen the log: fine" in page  # theirs, kept
    assert "No, or not sure: refer it on" in page and "To DPO" in page  # the saved review
    assert 'name="version" value="2"' in page
    saved = signed_in(manager).post(review_url(grant), {**typed, "version": 2})
    assert saved.status_code == 302
    grant.refresh_from_db()
    assert (grant.review_status, grant.reviewed_by) == (BreakGlassReview.APPROPRIATE, manager)


def test_nobody_reviews_their_own_use(police_manager, child, nhs):
    own = break_glass_request(
        actor=police_manager,
        identifier=nhs,
        dob=child.dob,
        reason_category=BreakGlassReason.OUT_OF_HOURS,
        reason=REASON,
    )
    client = signed_in(police_manager)
    assert "You cannot review your own" in client.get(review_url(own)).content.decode()
    assert client.post(review_url(own), {"version": 1, "outcome": "appropriate"}).status_code == 403
    with pytest.raises(Refused):
        break_glass_review(
            actor=police_manager, grant=own, version=1, outcome="appropriate", note=""
        )


def test_the_reviewing_agencies_are_those_involved_and_the_holders_own(
    police_manager, grant, schools_manager
):
    # The police manager reviews their own agency's use; a schools manager has no part in it.
    assert signed_in(police_manager).get(review_url(grant)).status_code == 200
    assert signed_in(schools_manager).get(review_url(grant)).status_code == 404
    listing = signed_in(schools_manager).get(reverse("access:break_glass_list"))
    assert review_url(grant) not in listing.content.decode()


def test_reviews_are_closed_to_practitioners(alice, bob, grant):
    for user in (alice, bob):
        assert signed_in(user).get(reverse("access:break_glass_list")).status_code == 403
        assert signed_in(user).get(review_url(grant)).status_code == 404


def test_the_review_is_in_the_change_log(manager, grant):
    from mace.access.models import ChangeEvent

    break_glass_review(actor=manager, grant=grant, version=1, outcome="appropriate", note="Fine")
    change = ChangeEvent.objects.filter(model="access.BreakGlassGrant").latest("id")
    assert change.user == manager
    assert change.changes["review_status"] == ["pending", "appropriate"]


@pytest.fixture
def schools_manager(db):  # type: ignore[no-untyped-def]
    return UserFactory(agency=agency("Essex Schools and Inclusion"), roles=[Role.AGENCY_MANAGER])


def test_the_service_refuses_a_reason_too_short_to_review(bob, child, nhs):
    with pytest.raises(DomainError) as refused:
        break_glass_request(
            actor=bob, identifier=nhs, dob=child.dob, reason_category="missing", reason="urgent"
        )
    assert "at least 20 characters" in refused.value.errors["reason"][0]
