"""Who sees and works on disruption and evidence (mace/access/policy/disruption.py):
district officers see disruption in their district and the disruption assigned to their agency,
never the child; analysts read; evidence is for full reach and the child's workers only."""

from __future__ import annotations

from mace.access import policy
from mace.disruption.models import Disruption, EvidenceItem
from tests.disruption import closure, mace_action, statement
from tests.intelligence import COLCHESTER_POSTCODE, location, person


def _visible(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(
        policy.scope_disruptions(user, Disruption.objects.all()).values_list("pk", flat=True)
    )


def test_a_district_officer_sees_their_district_and_what_is_assigned_to_them(
    bob, chair, district, colchester
):
    basildon = location(bob)
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    here = closure(bob, basildon)
    elsewhere = closure(bob, far)
    led = closure(chair, far, lead_agency=district.agency)
    assigned = closure(chair, far, action=mace_action(district.agency))
    assert _visible(district) == {here.pk, led.pk, assigned.pk}
    assert _visible(colchester) == {elsewhere.pk, led.pk, assigned.pk}
    for disruption in (here, led, assigned):
        assert policy.can_view_disruption(district, disruption)
        assert policy.can_change_disruption(district, disruption)
    assert not policy.can_view_disruption(district, elsewhere)
    assert not policy.can_change_disruption(district, elsewhere)
    assert policy.can_record_disruption(district, basildon.record)
    assert not policy.can_record_disruption(district, far.record)


def test_a_district_officer_never_sees_a_peer_subject(bob, district):
    from mace.reference.models import Area

    peer = person(bob, name="Kip Fictional", category="peer", age_estimate=15,
                  area=Area.objects.get(code="basildon"))  # fmt: skip
    disruption = closure(bob, peer, type="cawn")
    assert not policy.can_view_disruption(district, disruption)
    assert _visible(district) == set()


def test_a_district_officer_is_never_told_the_child(alice, district, child):
    disruption = closure(alice, location(alice), type="cawn", child=child)
    assert policy.can_view_disruption(district, disruption)
    assert policy.disruption_names_child(alice, child)
    assert not policy.disruption_names_child(district, child)
    assert not policy.sees_evidence(district)


def test_an_analyst_reads_everything_and_changes_nothing(bob, analyst, child):
    disruption = closure(bob, location(bob))
    assert policy.can_list_disruption(analyst) and policy.can_view_disruption(analyst, disruption)
    assert not policy.can_change_disruption(analyst, disruption)
    assert not policy.can_record_disruption(analyst)
    assert not policy.sees_evidence(analyst) and not policy.can_record_evidence(analyst)
    assert not policy.disruption_names_child(analyst, child)


def test_evidence_about_a_child_is_only_for_those_who_see_the_child(alice, bob, child):
    suspect = person(alice)
    about_child = statement(alice, child=child, person=suspect)
    about_person = statement(alice, person=suspect)
    items = EvidenceItem.objects.all()
    assert set(policy.scope_evidence(alice, items)) == {about_child, about_person}
    assert set(policy.scope_evidence(bob, items)) == {about_person}
    assert policy.can_record_evidence(alice, child) and not policy.can_record_evidence(bob, child)


def test_everyone_else_sees_nothing(bob, board, admin_user, nurse, dpo):
    closure(bob, location(bob))
    statement(bob, person=person(bob))
    for user in (board, admin_user, nurse, dpo):
        assert not policy.can_list_disruption(user)
        assert _visible(user) == set()
        assert not policy.scope_evidence(user, EvidenceItem.objects.all()).exists()
        assert not policy.can_record_disruption(user)
