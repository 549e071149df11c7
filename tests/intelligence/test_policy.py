"""The intelligence section of the access policy: who reaches how far."""

from __future__ import annotations

import pytest

from mace.access import policy
from mace.accounts.choices import Role
from mace.intelligence.models import Record
from mace.reference.models import Area
from tests.factories import UserFactory, agency
from tests.intelligence import location, person, phone


@pytest.mark.parametrize(
    ("roles", "agency_name", "reach"),
    [
        ([Role.PRACTITIONER], "Essex Police", policy.REACH_FULL),
        ([Role.AGENCY_MANAGER], "Thurrock Children's Services", policy.REACH_FULL),
        ([Role.MACE_CHAIR], "Mid and South Essex Health Partners", policy.REACH_FULL),
        ([Role.MACE_COORDINATOR], "Essex Children and Families (social care)", policy.REACH_FULL),
        ([Role.ANALYST], "Essex Police", policy.REACH_READ),
        ([Role.DISTRICT_OFFICER], "Basildon District Council", policy.REACH_DISTRICT),
        ([Role.DISTRICT_OFFICER], "Colchester Community Safety Partnership", policy.REACH_DISTRICT),
        # A district officer in an agency with no district sees nothing rather than everything.
        ([Role.DISTRICT_OFFICER], "Essex Police", policy.REACH_NONE),
        # The most limited role wins, as for case content.
        (
            [Role.DISTRICT_OFFICER, Role.PRACTITIONER],
            "Basildon District Council",
            policy.REACH_DISTRICT,
        ),  # fmt: skip
        ([Role.PRACTITIONER, Role.BOARD_MEMBER], "Essex Police", policy.REACH_NONE),
        ([Role.PRACTITIONER], "Mid and South Essex Health Partners", policy.REACH_NONE),
        ([Role.PRACTITIONER], "Essex Schools and Inclusion", policy.REACH_NONE),
        ([Role.SERVICE_WORKER], "CARE (Children at Risk of Exploitation)", policy.REACH_NONE),
        ([Role.WORKFORCE_LEAD], "Essex Children and Families (social care)", policy.REACH_NONE),
        ([Role.DATA_PROTECTION], "Essex Children and Families (social care)", policy.REACH_NONE),
    ],
)
def test_each_role_reaches_as_far_as_the_policy_says(db, roles, agency_name, reach):
    user = UserFactory(agency=agency(agency_name), roles=roles)
    assert policy.intelligence_reach(user) == reach


def test_nobody_signed_out_or_inactive_or_without_an_agency_reaches_anything(db, admin_user):
    assert policy.intelligence_reach(None) == policy.REACH_NONE
    assert policy.intelligence_reach(admin_user) == policy.REACH_NONE
    inactive = UserFactory(agency=agency("Essex Police"), roles=[Role.PRACTITIONER])
    inactive.is_active = False
    assert policy.intelligence_reach(inactive) == policy.REACH_NONE


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
