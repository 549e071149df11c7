"""The audit pages: for agency managers and the data protection role, who has seen or changed a
given child's record and when (with filters), and everything a given user has seen. Reading the
audit is itself recorded; anyone else gets 404 for a child's or a user's audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.models import AccessEvent
from mace.access.services import access_record, child_read
from mace.people.services import child_update
from tests.api import signed_in
from tests.factories import ChildFactory
from tests.pages import assert_error_summary, date_parts


@pytest.fixture
def history(alice, bob, child):  # type: ignore[no-untyped-def]
    """alice reads the record and changes it; bob (an outsider) is refused."""
    child_read(user=alice, child_id=child.pk, channel=AccessChannel.PAGE, path="/children/x/")
    child_update(actor=alice, child=child, version=1, changes={"other_names": "Zeph (fictional)"})
    access_record(
        user=bob,
        child_id=child.pk,
        action=AccessAction.VIEW,
        outcome=AccessOutcome.REFUSED,
        channel=AccessChannel.API,
    )


def child_audit(reader, child, **query):  # type: ignore[no-untyped-def]
    return signed_in(reader).get(reverse("access:audit_child", args=[child.pk]), query)


def test_a_manager_sees_who_read_who_was_refused_and_who_changed_what(manager, child, history):
    response = child_audit(manager, child)
    assert response.status_code == 200
    html = response.content.decode()
    assert "(alice)" in html and "(bob)" in html
    assert "Refused" in html
    assert "other_names:  → Zeph (fictional)" in html or "other_names: (empty) → Zeph" in html


def test_reading_the_audit_is_itself_recorded(manager, child, history):
    child_audit(manager, child)
    event = AccessEvent.objects.get(user=manager)
    assert (event.action, event.outcome, event.child) == (
        AccessAction.AUDIT,
        AccessOutcome.ALLOWED,
        child,
    )


def test_filters_narrow_by_user_outcome_and_date(manager, child, history):
    refused = child_audit(manager, child, outcome="refused").content.decode()
    assert "(bob)" in refused and "(alice)" not in refused.split("Who has changed it")[0]
    alices = child_audit(manager, child, user="ALICE").content.decode()
    assert "(bob)" not in alices
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    future = child_audit(manager, child, **date_parts("date_from", tomorrow)).content.decode()
    assert "Who has seen it (0)" in future


def test_a_to_date_before_the_from_date_is_an_error(manager, child):
    today = dt.date.today()
    query = {**date_parts("date_from", today), **date_parts("date_to", today - dt.timedelta(1))}
    response = child_audit(manager, child, **query)
    assert_error_summary(response.content.decode(), "date_to-day")


def test_a_manager_of_an_uninvolved_agency_gets_404_and_it_is_recorded(
    police_manager, child, history
):
    assert child_audit(police_manager, child).status_code == 404
    assert AccessEvent.objects.filter(
        user=police_manager, action=AccessAction.AUDIT, outcome=AccessOutcome.REFUSED
    ).exists()


def test_practitioners_and_roles_without_the_audit_get_404(alice, bob, district, board, child):
    for user in (alice, bob, district, board):
        assert child_audit(user, child).status_code == 404, user.username
        assert signed_in(user).get(reverse("access:audit_start")).status_code == 403


def test_the_data_protection_officer_reads_any_childs_audit_and_any_users(dpo, bob, police):
    stranger = ChildFactory(involved=[police])
    child_read(user=bob, child_id=stranger.pk)
    assert child_audit(dpo, stranger).status_code == 200
    page = signed_in(dpo).get(reverse("access:audit_user", args=[bob.pk]))
    assert page.status_code == 200 and stranger.reference in page.content.decode()


def test_a_manager_reads_what_their_own_staff_have_seen_and_no_one_elses(
    manager, alice, bob, child, history
):
    mine = signed_in(manager).get(reverse("access:audit_user", args=[alice.pk]))
    assert mine.status_code == 200 and child.reference in mine.content.decode()
    assert signed_in(manager).get(reverse("access:audit_user", args=[bob.pk])).status_code == 404


def test_the_start_page_finds_a_child_by_reference_and_a_user_by_username(manager, alice, child):
    client = signed_in(manager)
    found = client.get(reverse("access:audit_start"), {"child": child.reference})
    assert found["Location"] == reverse("access:audit_child", args=[child.pk])
    by_name = client.get(reverse("access:audit_start"), {"user": "Alice"})
    assert by_name["Location"] == reverse("access:audit_user", args=[alice.pk])
    missing = client.get(reverse("access:audit_start"), {"child": "MACE-9999999"})
    assert "No child whose audit you may read" in missing.content.decode()


@pytest.mark.parametrize("reads", [3, 120])
def test_the_childs_audit_is_paged_and_bounded_however_long_the_log(
    manager, alice, child, reads, django_assert_max_num_queries
):
    for _ in range(reads):
        child_read(user=alice, child_id=child.pk)
    client = signed_in(manager)
    # Session and device (2), roles, the audited child, the audit's own access event (4), two
    # pages of results with their counts (4), the navigation's policy check: 14 at most.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("access:audit_child", args=[child.pk]))
    html = response.content.decode()
    # Fifty to a page, newest first: the manager's own reading of the audit is the newest.
    assert html.count("(alice)") == min(reads, 49)
    assert ("Next" in html) == (reads > 50)
