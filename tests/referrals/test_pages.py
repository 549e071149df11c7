"""The referrals pages through real requests: the inbox and what was sent, a referral's page
with what was shared (and no more), and the receiving service's response, with its errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mace.access.choices import AccessAction
from mace.accounts.choices import Role
from mace.people.services import chronology_note_add
from mace.referrals.choices import ReferralStatus
from mace.referrals.models import Referral
from tests.clock import today
from tests.pages import allowed_events, assert_error_summary
from tests.referrals import a_concern, care_staff, refer, service


@pytest.fixture
def worker(db):  # type: ignore[no-untyped-def]
    return care_staff(first_name="Gavin", last_name="Fictional")


def _detail(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def test_the_inbox_lists_what_waits_soonest_first_and_tags_the_overdue(
    client, alice, child, csc, worker
):
    from tests.factories import ChildFactory

    later = ChildFactory(forename="Quillon", involved=[csc])
    overdue = refer(alice, child)
    waiting = refer(alice, later)
    Referral.objects.filter(pk=overdue.pk).update(due_on=today() - dt.timedelta(days=1))
    client.force_login(worker)
    page = client.get(reverse("referrals:list")).content.decode()
    inbox = page.split("Waiting for your service")[1]
    assert inbox.index(child.full_name) < inbox.index(later.full_name)
    assert "Overdue" in inbox
    assert allowed_events(worker, child, AccessAction.LIST) == 1
    assert waiting.status == ReferralStatus.WAITING


def test_the_referrer_sees_what_was_sent_and_its_status(client, alice, child, worker):
    referral = refer(alice, child)
    from mace.referrals.services import referral_decline

    referral_decline(
        actor=worker, referral=referral, version=1, reason="Outside our area (fictional)."
    )
    client.force_login(alice)
    page = client.get(reverse("referrals:list")).content.decode()
    assert "Waiting for your service" in page  # alice is a practitioner: her agency receives too
    assert "Sent by your agency" in page and "Declined" in page
    detail = client.get(_detail(referral)).content.decode()
    assert "Outside our area (fictional)." in detail
    assert ">Respond</h2>" not in detail


def test_the_service_reads_what_was_shared_and_no_more(
    client, alice, child, worker, django_assert_max_num_queries
):
    concern = a_concern(alice, child)
    shared = chronology_note_add(actor=alice, child=child, title="Shared visit", body="Shared.")
    chronology_note_add(actor=alice, child=child, title="Private visit", body="Not shared.")
    referral = refer(alice, child, concern=concern, attachments=[shared])
    client.force_login(worker)
    with django_assert_max_num_queries(30):
        page = client.get(_detail(referral)).content.decode()
    assert concern.narrative in page and "Several phones or SIM cards" in page
    assert "Shared visit" in page and "Private visit" not in page
    assert reverse("people:detail", args=[child.pk]) not in page
    assert "opens to your agency when it accepts" in page
    assert allowed_events(worker, child, AccessAction.VIEW_REFERRAL) == 1
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 404


def test_accepting_opens_the_record(client, alice, child, worker):
    referral = refer(alice, child)
    client.force_login(worker)
    response = client.post(_detail(referral), {"decision": "accept", "version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    page = client.get(_detail(referral)).content.decode()
    assert "Referral accepted" in page
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 200


@pytest.mark.parametrize(
    ("posted", "anchor"),
    [
        ({"decision": "decline", "reason": ""}, "reason"),
        ({"decision": "pass_on", "reason": "A police matter."}, "to"),
        ({"decision": "pass_on", "to": "", "reason": ""}, "to"),
        ({}, "decision_0"),
    ],
)
def test_a_bad_response_shows_the_error_summary_and_changes_nothing(
    client, alice, child, worker, posted, anchor
):
    referral = refer(alice, child)
    client.force_login(worker)
    response = client.post(_detail(referral), {"version": referral.version, **posted})
    assert response.status_code == 200
    assert_error_summary(response.content.decode(), anchor)
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (ReferralStatus.WAITING, 1)


def test_passing_on_through_the_page(client, alice, child, worker):
    referral = refer(alice, child)
    client.force_login(worker)
    police = service("police")
    response = client.post(
        _detail(referral),
        {"decision": "pass_on", "to": police.pk, "reason": "Criminal exploitation.", "version": 1},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PASSED_ON and referral.passed_to.service == police


def test_a_stale_response_is_refused_with_the_referral_as_it_is_now(client, alice, child, worker):
    referral = refer(alice, child)
    colleague = care_staff()
    client.force_login(colleague)
    client.post(_detail(referral), {"decision": "acknowledge", "version": 1})
    client.force_login(worker)
    response = client.post(_detail(referral), {"decision": "accept", "version": 1})
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED


def test_only_the_receiving_service_may_respond(client, alice, child, bob):
    referral = refer(alice, child)
    client.force_login(alice)
    assert client.post(_detail(referral), {"decision": "accept", "version": 1}).status_code == 403
    client.force_login(bob)
    assert client.post(_detail(referral), {"decision": "accept", "version": 1}).status_code == 404
    assert Referral.objects.get().status == ReferralStatus.WAITING


def test_the_navigation_offers_referrals_to_case_roles_only(client, alice, board):
    client.force_login(alice)
    assert reverse("referrals:list") in client.get(reverse("dashboard:home")).content.decode()
    client.force_login(board)
    assert reverse("referrals:list") not in client.get(reverse("dashboard:home")).content.decode()
    assert client.get(reverse("referrals:list")).status_code == 403


def test_a_manager_is_offered_the_response_too(client, alice, child):
    manager = care_staff(Role.AGENCY_MANAGER)
    referral = refer(alice, child)
    client.force_login(manager)
    assert ">Respond</h2>" in client.get(_detail(referral)).content.decode()
