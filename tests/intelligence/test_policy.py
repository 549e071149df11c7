"""The intelligence section of the access policy: who reaches how far."""

from __future__ import annotations

import pytest

from mace.access import policy
from mace.access.choices import IntelligenceReach as Reach
from mace.accounts.choices import Role
from mace.intelligence.models import Record
from mace.reference.models import Area
from tests.factories import UserFactory, agency
from tests.intelligence import location, person, phone


@pytest.mark.parametrize(
    ("roles", "agency_name", "reach"),
    [
        ([Role.PRACTITIONER], "Essex Police", Reach.FULL),
        ([Role.AGENCY_MANAGER], "Thurrock Children's Services", Reach.FULL),
        ([Role.MACE_CHAIR], "Mid and South Essex Health Partners", Reach.FULL),
        ([Role.MACE_COORDINATOR], "Essex Children and Families (social care)", Reach.FULL),
        ([Role.ANALYST], "Essex Police", Reach.READ),
        ([Role.DISTRICT_OFFICER], "Basildon District Council", Reach.DISTRICT),
        ([Role.DISTRICT_OFFICER], "Colchester Community Safety Partnership", Reach.DISTRICT),
        # A district officer in an agency with no district sees nothing rather than everything.
        ([Role.DISTRICT_OFFICER], "Essex Police", Reach.NONE),
        # The most limited role wins, as for case content.
        (
            [Role.DISTRICT_OFFICER, Role.PRACTITIONER],
            "Basildon District Council",
            Reach.DISTRICT,
        ),  # fmt: skip
        ([Role.PRACTITIONER, Role.BOARD_MEMBER], "Essex Police", Reach.NONE),
        ([Role.PRACTITIONER], "Mid and South Essex Health Partners", Reach.NONE),
        ([Role.PRACTITIONER], "Essex Schools and Inclusion", Reach.NONE),
        ([Role.SERVICE_WORKER], "CARE (Children at Risk of Exploitation)", Reach.NONE),
        ([Role.WORKFORCE_LEAD], "Essex Children and Families (social care)", Reach.NONE),
        ([Role.DATA_PROTECTION], "Essex Children and Families (social care)", Reach.NONE),
    ],
)
def test_each_role_reaches_as_far_as_the_policy_says(db, roles, agency_name, reach):
    user = UserFactory(agency=agency(agency_name), roles=roles)
    assert policy.intelligence_reach(user) == reach


def test_nobody_signed_out_or_inactive_or_without_an_agency_reaches_anything(db, admin_user):
    assert policy.intelligence_reach(None) == Reach.NONE
    assert policy.intelligence_reach(admin_user) == Reach.NONE
    inactive = UserFactory(agency=agency("Essex Police"), roles=[Role.PRACTITIONER])
    inactive.is_active = False
    assert policy.intelligence_reach(inactive) == Reach.NONE


def test_a_district_scope_is_the_districts_adults_places_and_vehicles(alice, district):
    basildon = Area.objects.get(code="basildon")
    mine = [location(alice), person(alice, area=basildon)]
    hidden = [
        person(alice, name="Kip Fictional", category="peer", age_estimate=16, area=basildon),
        person(alice, name="Far Away", area=Area.objects.get(code="tendring")),
        phone(alice),
    ]
    visible = set(
        policy.scope_intelligence(district, Record.objects.all()).values_list("pk", flat=True)
    )
    assert visible == {r.pk for r in mine}
    for record in mine:
        assert policy.can_view_intelligence(district, record)
        assert policy.can_change_intelligence(district, record)
    for record in hidden:
        assert not policy.can_view_intelligence(district, record)
        assert not policy.can_view_intelligence(district, record.record)
