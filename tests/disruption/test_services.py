"""Recording and changing disruption, and recording evidence: the happy paths, every refusal,
stale versions and the outsider. Real database; the services are called as the pages call them."""

from __future__ import annotations

import pytest

from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.disruption import services
from mace.disruption.models import Disruption, EvidenceItem
from tests.disruption import closure, days, mace_action, record_of, statement
from tests.factories import agency
from tests.intelligence import COLCHESTER_POSTCODE, location, person, phone


def _errors(excinfo: pytest.ExceptionInfo[DomainError]) -> set[str]:
    return set(excinfo.value.errors)


# --- recording -------------------------------------------------------------------------------


def test_a_police_practitioner_records_a_closure_notice_with_its_history(bob):
    hotel = location(bob)
    disruption = closure(bob, hotel)
    assert disruption.lead_agency == bob.agency and disruption.created_by == bob
    assert disruption.subject == hotel.record and disruption.version == 1
    first = disruption.history.get()
    assert first.history_type == "+" and first.history_user == bob


def test_a_district_officer_records_disruption_in_their_district_only(bob, district):
    basildon = location(bob)
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    assert closure(district, basildon).lead_agency == district.agency
    with pytest.raises(DomainError) as excinfo:
        closure(district, far)
    assert _errors(excinfo) == {"subject"}
    assert Disruption.objects.count() == 1


@pytest.mark.parametrize("who", ["analyst", "board", "admin_user", "nurse"])
def test_roles_without_disruption_are_refused(request, bob, who):
    hotel = location(bob)
    with pytest.raises(Refused):
        closure(request.getfixturevalue(who), hotel)
    assert not Disruption.objects.exists()


def test_disruption_is_against_a_person_location_or_vehicle(bob):
    with pytest.raises(DomainError) as excinfo:
        closure(bob, phone(bob))
    assert _errors(excinfo) == {"subject"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"applied_on": days(-3), "granted_on": days(-5)}, "granted_on"),
        ({"applied_on": days(-3), "served_on": days(-4)}, "served_on"),
        ({"served_on": days(-2), "expires_on": days(-3)}, "expires_on"),
        ({"granted_on": days(-2), "served_on": None, "expires_on": days(-3)}, "expires_on"),
        ({"applied_on": days(1)}, "applied_on"),
        ({"served_on": days(2), "expires_on": days(9)}, "served_on"),
        ({"type": "parking_ticket"}, "type"),
        ({"status": "pending"}, "status"),
        ({"legal_basis": "x" * 301}, "legal_basis"),
    ],
)
def test_it_refuses_dates_and_values_that_break_the_rules(bob, fields, field):
    hotel = location(bob)
    with pytest.raises(DomainError) as excinfo:
        closure(bob, hotel, **fields)
    assert field in _errors(excinfo)
    assert not Disruption.objects.exists()


def test_expiry_and_review_may_be_in_the_future(bob):
    disruption = closure(bob, location(bob), expires_on=days(90), review_on=days(30))
    assert disruption.expires_on == days(90) and disruption.review_on == days(30)


def test_only_someone_who_sees_the_child_names_them(alice, bob, child):
    hotel = location(alice)
    assert closure(alice, hotel, type="cawn", child=child).child == child
    with pytest.raises(DomainError) as excinfo:
        closure(bob, hotel, type="cawn", child=child)
    assert _errors(excinfo) == {"child"}


def test_the_action_must_be_one_the_actor_works_on(bob, district, police):
    hotel = location(bob)
    theirs = mace_action(district.agency)
    assert closure(district, hotel, action=theirs).action == theirs
    ours = mace_action(police)
    with pytest.raises(DomainError) as excinfo:
        closure(district, hotel, action=ours)
    assert _errors(excinfo) == {"action"}
    assert ours.disruptions.count() == 0 and theirs.disruptions.count() == 1


# --- changing --------------------------------------------------------------------------------


def test_a_change_needs_the_version_read_and_keeps_history(bob):
    disruption = closure(bob, location(bob))
    saved = services.disruption_update(
        actor=bob, disruption=disruption, version=1, changes={"outcome": "Complied (fictional)"}
    )
    assert saved.version == 2 and saved.outcome == "Complied (fictional)"
    assert saved.history.count() == 2
    with pytest.raises(ConflictError) as excinfo:
        services.disruption_update(
            actor=bob, disruption=disruption, version=1, changes={"outcome": "Overwritten"}
        )
    assert excinfo.value.current.outcome == "Complied (fictional)"
    assert Disruption.objects.get().outcome == "Complied (fictional)"


def test_a_change_that_changes_nothing_still_needs_the_current_version(bob):
    disruption = closure(bob, location(bob))
    services.disruption_update(actor=bob, disruption=disruption, version=1, changes={})
    services.disruption_update(
        actor=bob, disruption=disruption, version=1, changes={"notes": "Seen (fictional)"}
    )
    with pytest.raises(ConflictError):
        services.disruption_update(actor=bob, disruption=disruption, version=1, changes={})


def test_a_change_is_checked_like_a_new_one(bob):
    disruption = closure(bob, location(bob))
    with pytest.raises(DomainError) as excinfo:
        services.disruption_update(
            actor=bob, disruption=disruption, version=1, changes={"expires_on": days(-30)}
        )
    assert _errors(excinfo) == {"expires_on"}
    with pytest.raises(DomainError) as excinfo:
        services.disruption_update(
            actor=bob, disruption=disruption, version=1, changes={"subject": None}
        )
    assert _errors(excinfo) == {"subject"}
    assert Disruption.objects.get().version == 1


def test_a_district_officer_works_on_the_disruption_assigned_to_their_agency(bob, chair, district):
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    # The South panel's chair records what its action asked Basildon to do, in Colchester.
    assigned = closure(chair, far, action=mace_action(district.agency))
    other = closure(bob, far)
    services.disruption_update(
        actor=district, disruption=assigned, version=1, changes={"status": "completed"}
    )
    with pytest.raises(Refused):
        services.disruption_update(
            actor=district, disruption=other, version=1, changes={"status": "completed"}
        )


def test_a_district_officer_changes_a_disruption_but_not_the_child_it_protects(
    alice, district, child
):
    disruption = closure(alice, location(alice), type="cawn", child=child)
    saved = services.disruption_update(
        actor=district, disruption=disruption, version=1, changes={"notes": "Visited (fictional)"}
    )
    assert saved.child == child
    with pytest.raises(DomainError) as excinfo:
        services.disruption_update(
            actor=district, disruption=saved, version=2, changes={"child": None}
        )
    assert _errors(excinfo) == {"child"}


def test_an_action_someone_else_works_on_stays_when_others_change_the_rest(bob, chair, district):
    disruption = closure(chair, location(bob), action=mace_action(district.agency))
    saved = services.disruption_update(
        actor=bob, disruption=disruption, version=1, changes={"notes": "Seen (fictional)"}
    )
    assert saved.action == disruption.action and saved.version == 2


def test_a_district_officer_cannot_hand_away_what_they_work_on(bob, police, district):
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    disruption = closure(bob, far, lead_agency=district.agency)
    with pytest.raises(DomainError) as excinfo:
        services.disruption_update(
            actor=district, disruption=disruption, version=1, changes={"lead_agency": police}
        )
    assert _errors(excinfo) == {"lead_agency"}
    saved = Disruption.objects.get()
    assert saved.lead_agency == district.agency and saved.version == 1


def test_an_analyst_reads_but_does_not_change(bob, analyst):
    disruption = closure(bob, location(bob))
    with pytest.raises(Refused):
        services.disruption_update(
            actor=analyst, disruption=disruption, version=1, changes={"notes": "x"}
        )


# --- evidence --------------------------------------------------------------------------------


def test_evidence_is_recorded_about_a_child_and_a_person(alice, child):
    suspect = person(alice)
    disruption = closure(alice, location(alice), child=child, type="cawn")
    item = statement(alice, disruption=disruption, child=child, person=suspect)
    assert item.collected_by == alice.agency and item.person == suspect.record
    assert item.history.get().history_user == alice


def test_evidence_must_be_about_someone(alice):
    with pytest.raises(DomainError) as excinfo:
        statement(alice)
    assert _errors(excinfo) == {"person"}
    with pytest.raises(DomainError) as excinfo:
        statement(alice, person=location(alice))
    assert _errors(excinfo) == {"person"}
    assert not EvidenceItem.objects.exists()


def test_evidence_about_a_child_needs_sight_of_the_child(bob, child):
    with pytest.raises(DomainError) as excinfo:
        statement(bob, child=child)
    assert _errors(excinfo) == {"child"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"collected_on": None}, "collected_on"),
        ({"collected_on": days(1)}, "collected_on"),
        ({"description": "  "}, "description"),
        ({"kind": "rumour"}, "kind"),
    ],
)
def test_evidence_with_bad_values_is_refused(bob, fields, field):
    with pytest.raises(DomainError) as excinfo:
        statement(bob, person=person(bob), **fields)
    assert field in _errors(excinfo)
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize("who", ["district", "analyst", "board", "nurse"])
def test_only_full_reach_records_evidence(request, bob, who):
    suspect = person(bob)
    with pytest.raises(Refused):
        statement(request.getfixturevalue(who), person=suspect)


def test_evidence_takes_the_disruptions_action(bob):
    action = mace_action(agency("Essex Police"))
    disruption = closure(bob, location(bob), action=action)
    item = statement(bob, disruption=disruption, person=record_of(person(bob)))
    assert item.action == action
