"""The demo's disruption (mace.demo.disruption.load) on a tiny world: about one disruption per
three MACE actions, valid dates, evidence about someone, the same for the same seed, and a few
standalone ones when there are no actions."""

from __future__ import annotations

import datetime as dt

from mace.accounts.choices import Role
from mace.demo import disruption
from mace.demo.plan import Plan
from mace.disruption.models import Disruption, EvidenceItem
from mace.reference.models import Agency, Area
from tests.clock import today
from tests.disruption import mace_action
from tests.factories import UserFactory, agency
from tests.intelligence import COLCHESTER_POSTCODE, location, person, vehicle


def _world(bob):  # type: ignore[no-untyped-def]
    basildon = Area.objects.get(code="basildon")
    location(bob)
    location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    person(bob, area=basildon)
    vehicle(bob, area=basildon)
    district = UserFactory(
        username="district.demo",
        agency=agency("Basildon District Council"),
        roles=[Role.DISTRICT_OFFICER],
    )
    owners = [bob.agency, district.agency, agency("Essex Children and Families (social care)")]
    actions = [mace_action(owners[n % 3]) for n in range(12)]
    users = {u.username: u for u in (bob, district)}
    agencies = {a.name: a for a in Agency.objects.all()}
    return users, agencies, actions


def _snapshot() -> list[tuple]:  # type: ignore[type-arg]
    return sorted(
        Disruption.objects.values_list(
            "type", "subject_id", "status", "applied_on", "expires_on", "action_id"
        ),
        key=str,
    )


def test_the_demo_loads_disruption_for_about_a_third_of_the_actions(bob):
    users, agencies, actions = _world(bob)
    the_plan = Plan(scale="tiny", seed=3, today=today(), children=())
    counts = disruption.load(the_plan, users=users, agencies=agencies, actions=actions)
    made = Disruption.objects.count()
    assert counts["disruptions"] == made and 1 <= made <= 9
    assert counts["evidence items"] == EvidenceItem.objects.count()
    for d in Disruption.objects.all():
        assert d.subject.kind in ("person", "location", "vehicle")
        assert d.action_id is not None and d.history.count() == 1
        assert d.applied_on is not None and d.applied_on <= today()
        for day in (d.granted_on, d.served_on):
            assert day is None or d.applied_on <= day <= today()
        if d.expires_on is not None:
            assert d.expires_on >= (d.served_on or d.granted_on or d.applied_on)
    for item in EvidenceItem.objects.all():
        assert item.child_id or item.person_id
        assert item.collected_on <= today()


def test_the_same_seed_gives_the_same_disruption(bob):
    users, agencies, actions = _world(bob)
    the_plan = Plan(scale="tiny", seed=5, today=today(), children=())
    disruption.load(the_plan, users=users, agencies=agencies, actions=actions)
    first = _snapshot()
    EvidenceItem.objects.all().delete()
    Disruption.objects.all().delete()
    disruption.load(the_plan, users=users, agencies=agencies, actions=actions)
    assert _snapshot() == first


def test_without_actions_a_few_standalone_disruptions_are_made(bob):
    users, agencies, _ = _world(bob)
    the_plan = Plan(scale="tiny", seed=1, today=today() - dt.timedelta(days=2), children=())
    counts = disruption.load(the_plan, users=users, agencies=agencies, actions=[])
    assert counts["disruptions"] == disruption.WITHOUT_ACTIONS
    assert not Disruption.objects.filter(action__isnull=False).exists()
