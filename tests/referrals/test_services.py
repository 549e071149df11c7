"""Sending a referral and the receiving service's steps: what each writes, who it tells, who
may take it, and what a bad request is told (with nothing written)."""

from __future__ import annotations

import datetime as dt

import pytest

from mace.access import policy
from mace.access.models import ChangeEvent
from mace.accounts.choices import Role
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.core.models import Notification
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.models import AgencyInvolvement, ChronologyEntry
from mace.people.services import chronology_note_add
from mace.reference.models import Area
from mace.referrals.choices import ReferralStatus
from mace.referrals.models import Referral
from mace.referrals.services import (
    overdue_reminders,
    referral_accept,
    referral_acknowledge,
    referral_decline,
    referral_pass_on,
    service_for,
)
from tests.clock import today
from tests.factories import ChildFactory
from tests.referrals import a_concern, care_staff, refer, service


def rows() -> dict[str, int]:
    return {
        "referrals": Referral.objects.count(),
        "entries": ChronologyEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_a_referral_reaches_the_service_with_its_due_date_and_tells_its_staff(alice, child):
    worker, manager = care_staff(), care_staff(Role.AGENCY_MANAGER)
    concern = a_concern(alice, child)
    note = chronology_note_add(actor=alice, child=child, title="Home visit", body="(fictional)")

    referral = refer(alice, child, concern=concern, attachments=[note])

    assert referral.status == ReferralStatus.WAITING
    assert referral.from_agency == alice.agency and referral.referrer == alice
    assert referral.due_on == today() + dt.timedelta(days=14)  # CARE: 14 days
    assert list(referral.attachments.all()) == [note]
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.REFERRAL)
    assert entry.title == "Referred to CARE (Children at Risk of Exploitation)"
    told = Notification.objects.filter(kind="referral_received")
    assert {n.recipient for n in told} == {worker, manager}
    assert all(child.forename not in n.message and child.surname not in n.message for n in told)
    change = ChangeEvent.objects.get(model="referrals.Referral", object_id=str(referral.pk))
    assert change.user_id == alice.pk and change.child_id == child.pk


def test_the_due_date_counts_working_days_for_a_service_that_says_so(db):
    csc = service("essex-csc")
    assert csc.working_days and csc.response_days == 1
    assert csc.due_on(dt.date(2026, 12, 24)) == dt.date(2026, 12, 29)  # over Christmas
    police = service("police")
    assert police.due_on(dt.date(2026, 12, 24)) == dt.date(2026, 12, 25)  # calendar days
    assert service("care").response_target == "14 days"
    assert csc.response_target == "1 working day"


def test_the_service_is_the_one_for_the_childs_area(alice, csc):
    southend = ChildFactory(area=Area.objects.get(code="southend"), involved=[csc])
    basildon = ChildFactory(area=Area.objects.get(code="basildon"), involved=[csc])
    nowhere = ChildFactory(involved=[csc])
    assert service_for("csc", southend).code == "southend-csc"
    assert service_for("csc", basildon).code == "essex-csc"
    assert service_for("csc", nowhere).code == "essex-csc"
    assert service_for("care", southend).code == "care"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"lawful_basis": ""}, "lawful_basis", "Choose the lawful basis for sharing"),
        ({"consent": "maybe"}, "consent", "Say whether the child or family agreed"),
        ({"consent": "not_sought"}, "consent_note", "Say why consent was not sought"),
        (
            {"consent": "refused", "consent_note": "Risk of harm if told (fictional)."},
            "lawful_basis",
            "Consent cannot be the lawful basis",
        ),
        ({"reason": "   "}, "reason", "Say why you are referring the child"),
        ({"reason": "x" * 20_001}, "reason", "20,000"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_writes_nothing(
    alice, child, values, field, message
):
    if values.get("consent") == "refused":
        values["lawful_basis"] = "consent"
    before = rows()
    with pytest.raises(DomainError) as refused:
        refer(alice, child, **values)
    assert any(message in m for m in refused.value.errors[field])
    assert rows() == before


def test_only_the_childs_own_entries_that_the_referrer_reads_can_be_attached(alice, child, csc):
    other = ChildFactory(involved=[csc])
    elsewhere = chronology_note_add(actor=alice, child=other, title="Visit", body="(fictional)")
    with pytest.raises(DomainError) as refused:
        refer(alice, child, attachments=[elsewhere])
    assert "attachments" in refused.value.errors
    assert not Referral.objects.exists()


def test_someone_who_cannot_write_about_the_child_cannot_refer_them(bob, child):
    with pytest.raises(Refused) as refused:
        refer(bob, child)
    assert refused.value.not_found
    assert not Referral.objects.exists()


def test_one_open_referral_to_a_service_at_a_time(alice, child):
    worker = care_staff()
    first = refer(alice, child)
    with pytest.raises(DomainError) as refused:
        refer(alice, child)
    assert "already has a referral waiting" in refused.value.errors["service"][0]
    referral_decline(actor=worker, referral=first, version=first.version, reason="Not eligible.")
    second = refer(alice, child)
    assert second.status == ReferralStatus.WAITING


def test_the_service_sees_the_referral_but_not_the_child_until_it_accepts(alice, child):
    worker = care_staff()
    referral = refer(alice, child)
    assert policy.scope_referrals(worker, Referral.objects.all()).get() == referral
    assert not policy.can_view_child(worker, child)

    acknowledged = referral_acknowledge(actor=worker, referral=referral, version=referral.version)
    assert acknowledged.status == ReferralStatus.ACKNOWLEDGED
    assert acknowledged.acknowledged_by == worker
    assert not policy.can_view_child(worker, child)

    accepted = referral_accept(actor=worker, referral=acknowledged, version=acknowledged.version)
    assert accepted.status == ReferralStatus.ACCEPTED and accepted.decided_by == worker
    assert policy.can_view_child(worker, child)
    involvement = AgencyInvolvement.objects.get(child=child, agency=worker.agency)
    assert involvement.reason == InvolvementReason.REFERRAL
    assert [e.title for e in ChronologyEntry.objects.filter(child=child).order_by("pk")][-3:] == [
        "Referred to CARE (Children at Risk of Exploitation)",
        "Referral acknowledged by CARE (Children at Risk of Exploitation)",
        "Referral accepted by CARE (Children at Risk of Exploitation)",
    ]
    assert Notification.objects.filter(recipient=alice, kind="referral_accepted").exists()


def test_a_declined_referral_tells_the_referrer_why_and_opens_nothing(alice, child):
    worker = care_staff()
    referral = refer(alice, child)
    with pytest.raises(DomainError) as refused:
        referral_decline(actor=worker, referral=referral, version=referral.version, reason=" ")
    assert refused.value.errors["decline_reason"] == [
        "Say why the referral is declined: the referrer is told"
    ]
    declined = referral_decline(
        actor=worker, referral=referral, version=referral.version, reason="Lives outside our area."
    )
    assert declined.status == ReferralStatus.DECLINED
    assert declined.decline_reason == "Lives outside our area."
    assert not policy.can_view_child(worker, child)
    assert Notification.objects.filter(recipient=alice, kind="referral_declined").exists()
    assert policy.scope_referrals(alice, Referral.objects.all()).get().decline_reason


def test_passing_on_sends_what_was_shared_to_the_next_service(alice, child, police_manager):
    worker = care_staff()
    concern = a_concern(alice, child)
    referral = refer(alice, child, concern=concern, consent="not_sought", consent_note="Urgent.")
    passed = referral_pass_on(
        actor=worker,
        referral=referral,
        version=referral.version,
        to=service("police"),
        reason="Criminal exploitation: a police matter (fictional).",
    )
    assert passed.status == ReferralStatus.PASSED_ON
    onward = passed.passed_to
    assert onward is not None and onward.service.code == "police"
    assert (onward.concern, onward.consent, onward.consent_note) == (
        concern,
        "not_sought",
        "Urgent.",
    )
    assert onward.from_agency == worker.agency and onward.status == ReferralStatus.WAITING
    assert policy.scope_referrals(police_manager, Referral.objects.all()).get() == onward
    assert Notification.objects.filter(recipient=alice, kind="referral_passed_on").exists()
    with pytest.raises(DomainError) as refused:
        referral_pass_on(
            actor=police_manager,
            referral=onward,
            version=onward.version,
            to=onward.service,
            reason="Back to us?",
        )
    assert refused.value.errors["to"] == ["Choose a different service to pass the referral on to"]


def test_only_the_receiving_service_acts_and_only_while_open(alice, child, bob):
    worker = care_staff()
    referral = refer(alice, child)
    with pytest.raises(Refused):
        referral_accept(actor=alice, referral=referral, version=referral.version)  # the referrer
    with pytest.raises(Refused) as hidden:
        referral_accept(actor=bob, referral=referral, version=referral.version)  # a stranger
    assert hidden.value.not_found
    accepted = referral_accept(actor=worker, referral=referral, version=referral.version)
    with pytest.raises(DomainError):
        referral_decline(actor=worker, referral=accepted, version=accepted.version, reason="No.")


def test_two_people_acting_at_once_one_is_told_the_other_acted(alice, child):
    first, second = care_staff(), care_staff()
    referral = refer(alice, child)
    referral_acknowledge(actor=first, referral=referral, version=referral.version)
    with pytest.raises(ConflictError):
        referral_accept(actor=second, referral=referral, version=referral.version)
    assert Referral.objects.get().status == ReferralStatus.ACKNOWLEDGED


def test_overdue_referrals_tell_the_services_managers_once_a_day(alice, child):
    manager, worker = care_staff(Role.AGENCY_MANAGER), care_staff()
    referral = refer(alice, child)
    later = referral.due_on + dt.timedelta(days=1)
    assert overdue_reminders(today=referral.due_on) == 0  # due today is not overdue
    assert overdue_reminders(today=later) == 1
    told = Notification.objects.filter(kind="referrals_overdue")
    assert [n.recipient for n in told] == [manager]
    assert overdue_reminders(today=later) == 0  # once a day
    assert overdue_reminders(today=later + dt.timedelta(days=1)) == 1
    referral.refresh_from_db()
    referral_acknowledge(actor=worker, referral=referral, version=referral.version)
    assert overdue_reminders(today=later + dt.timedelta(days=2)) == 1  # acknowledged, not acted
    referral.refresh_from_db()
    referral_accept(actor=worker, referral=referral, version=referral.version)
    assert overdue_reminders(today=later + dt.timedelta(days=3)) == 0


def test_nobody_outside_the_two_agencies_sees_a_referral(
    alice, child, bob, district, board, admin_user
):
    care_staff()
    refer(alice, child)
    for outsider in (bob, district, board, admin_user):
        assert not policy.scope_referrals(outsider, Referral.objects.all()).exists()


def test_the_periodic_sweep_sends_the_overdue_reminders(alice, child):
    from io import StringIO

    from django.core.management import call_command

    manager = care_staff(Role.AGENCY_MANAGER)
    referral = refer(alice, child)
    Referral.objects.filter(pk=referral.pk).update(due_on=today() - dt.timedelta(days=1))
    out = StringIO()
    call_command("periodic", "--only", "referral_reminders", stdout=out)
    assert "Overdue referrals reminded of today: 1" in out.getvalue()
    assert Notification.objects.filter(recipient=manager, kind="referrals_overdue").count() == 1
