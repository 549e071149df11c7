"""`mace seed_demo`: a deterministic, obviously fictional data set in the shape of the county."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from mace.accounts.choices import Role
from mace.accounts.models import RoleAssignment, User
from mace.concerns.models import Concern, ConcernIndicator, ConcernRoute
from mace.core.models import DemoDataSet
from mace.demo.accounts import PASSWORD_ENV, demo_password
from mace.demo.plan import plan
from mace.people.choices import EntryKind, IdentifierType
from mace.people.identifiers import nhs_number_error, upn_error
from mace.people.models import (
    AgencyInvolvement,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChronologyEntry,
)
from mace.people.services import place_postcode
from tests.factories import ChildFactory

TODAY = date(2025, 6, 30)
MODELS = [
    Child,
    ChildAddress,
    ChildIdentifier,
    AgencyInvolvement,
    Concern,
    ConcernIndicator,
    ConcernRoute,
    ChronologyEntry,
    User,
    RoleAssignment,
    DemoDataSet,
]


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def snapshot() -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """The data set without database ids or the moment it was written."""
    return {
        "children": sorted(
            Child.objects.values_list(
                "forename", "surname", "dob", "sex", "ethnicity", "area__code", "upn_unknown"
            )
        ),
        "addresses": sorted(
            ChildAddress.objects.values_list(
                "child__surname", "line1", "postcode", "start_date", "end_date"
            )
        ),
        "identifiers": sorted(ChildIdentifier.objects.values_list("type", "value")),
        "concerns": sorted(
            Concern.objects.values_list(
                "child__surname", "agency__name", "recorded_at", "narrative"
            )
        ),
        "indicators": sorted(
            ConcernIndicator.objects.values_list("indicator__code", "seen_on", "source")
        ),
        "users": sorted(User.objects.values_list("username", "agency__name", "quadrant__code")),
    }


def _wipe_audit() -> None:
    from mace.access.models import CHAINED_LOGS, AuditChain, AuditCheckpoint
    from tests.access.tamper import as_dba

    # Behind the platform's back, past PostgreSQL's append-only triggers (access 0008).
    for log in (*CHAINED_LOGS, AuditChain, AuditCheckpoint):
        as_dba(f"DELETE FROM {log._meta.db_table}")  # noqa: S608


def wipe_demo_data() -> None:
    """Back to an empty database. The audit logs refuse deletion through the platform and their
    rows protect the children and users they name, so they are emptied behind its back, before
    (so the rows can go) and after (the deletions themselves are logged)."""
    _wipe_audit()
    # --- missing --- (episodes protect their child and users; gradings and interviews go too)
    from mace.missing.models import MissingEpisode

    MissingEpisode.objects.all().delete()
    _wipe_audit()  # the episodes' deletions were logged against their children
    # --- disruption and MACE meetings (they protect intelligence records, children and users) ---
    from mace.disruption.models import Disruption, EvidenceItem
    from mace.meetings.models import Action, Meeting, MinutesAmendment

    EvidenceItem.objects.all().delete()
    Disruption.objects.all().delete()
    Action.objects.all().delete()
    MinutesAmendment.objects.all().delete()
    Meeting.objects.all().delete()
    _wipe_audit()
    # --- intelligence: links and records first (they protect the children and users) ---
    from tests.demo.test_intelligence import wipe_intelligence

    wipe_intelligence()
    _wipe_audit()  # so were the intelligence records'
    from mace.assessments.models import Assessment  # --- assessments ---

    Assessment.objects.all().delete()
    _wipe_audit()  # and the assessments'
    ChronologyEntry.objects.all().delete()
    Concern.objects.all().delete()
    Child.objects.all().delete()
    User.objects.all().delete()
    DemoDataSet.objects.all().delete()
    _wipe_audit()


@pytest.fixture
def tiny(db):  # type: ignore[no-untyped-def]
    seed("--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat())


def test_tiny_has_about_sixty_children_across_all_four_quadrants_and_both_unitaries(tiny):
    assert 50 <= Child.objects.count() <= 70
    quadrants = set(Child.objects.values_list("area__quadrant__code", flat=True))
    assert {"mid", "north", "south", "west"} <= quadrants
    areas = set(Child.objects.values_list("area__code", flat=True))
    assert {"southend", "thurrock"} <= areas


def test_there_is_a_demo_user_for_every_role_and_a_chair_and_coordinator_per_quadrant(tiny):
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(u.startswith("demo.") for u in User.objects.values_list("username", flat=True))
    for role in [Role.MACE_CHAIR, Role.MACE_COORDINATOR]:
        quadrants = User.objects.filter(role_assignments__role=role).values_list(
            "quadrant__code", flat=True
        )
        assert sorted(quadrants) == ["mid", "north", "south", "west"]
    agency_types = set(User.objects.values_list("agency__type", flat=True))
    assert {"police", "csc", "health", "education", "district_council", "voluntary"} <= agency_types


def test_the_demo_users_sign_in_with_the_demo_password(tiny):
    password = demo_password()
    assert Client().login(username="demo.practitioner", password=password)
    assert Client().login(username="demo.chair.south", password=password)


def test_every_concern_has_indicators_routes_and_its_chronology_entry(tiny):
    concerns = Concern.objects.prefetch_related("indicators", "routes")
    assert concerns.count() > 40
    entries = Counter(
        ChronologyEntry.objects.filter(kind=EntryKind.CONCERN).values_list("concern_id", flat=True)
    )
    for concern in concerns:
        assert 1 <= len(concern.indicators.all()) <= 6
        assert concern.routes.all()
        assert all(r.target_date >= concern.recorded_at.date() for r in concern.routes.all())
        assert all(i.seen_on <= concern.recorded_at.date() for i in concern.indicators.all())
        assert entries[concern.pk] == 1
    assert (
        ChronologyEntry.objects.filter(kind=EntryKind.RECORD_CREATED).count()
        == Child.objects.count()
    )


def test_every_child_is_involved_with_the_agencies_that_recorded_about_them(tiny):
    involved = set(AgencyInvolvement.objects.values_list("child_id", "agency_id"))
    recorded = set(Concern.objects.values_list("child_id", "agency_id"))
    recorded |= set(ChronologyEntry.objects.values_list("child_id", "agency_id"))
    assert recorded <= involved
    per_child = Counter(child_id for child_id, _ in involved)
    assert set(per_child) == set(Child.objects.values_list("pk", flat=True))
    assert set(per_child.values()) <= {1, 2, 3}


def test_every_child_is_placed_in_the_area_of_their_current_address(tiny):
    for child in Child.objects.prefetch_related("addresses"):
        current = [a for a in child.addresses.all() if a.end_date is None]
        assert len(current) == 1
        assert child.area == place_postcode(current[0].postcode) is not None
    assert ChildAddress.objects.filter(end_date__isnull=False).exists(), "some children moved"


def test_all_nhs_numbers_and_upns_are_valid_and_fictional(tiny):
    nhs = ChildIdentifier.objects.filter(type=IdentifierType.NHS_NUMBER)
    upns = ChildIdentifier.objects.filter(type=IdentifierType.UPN)
    assert nhs.count() > Child.objects.count() * 0.8
    assert upns.exists()
    assert ChildIdentifier.objects.filter(type=IdentifierType.POLICE).exists()
    for identifier in nhs:
        assert nhs_number_error(identifier.value) is None
        assert identifier.value.startswith("999")
    for identifier in upns:
        assert upn_error(identifier.value) is None
        assert identifier.value[1:4] == "999"


def test_children_are_mostly_10_to_17_and_mostly_girls_among_those_with_concerns(tiny):
    children = list(Child.objects.all())
    ages = [c.age_on(TODAY) for c in children]
    assert sum(10 <= a <= 17 for a in ages if a is not None) / len(children) > 0.6
    with_concerns = Child.objects.filter(concerns__isnull=False).distinct()
    sexes = Counter(with_concerns.values_list("sex", flat=True))
    assert sexes["F"] > sexes["M"] > 0


def test_seeding_again_with_the_same_seed_adds_nothing(tiny):
    before = counts()
    out = seed("--scale", "tiny", "--seed", "1")
    assert "already loaded" in out
    assert counts() == before


def test_a_different_data_set_is_not_added_to_a_loaded_one(tiny):
    before = counts()
    out = seed("--scale", "tiny", "--seed", "2")
    assert "Nothing was added" in out
    assert counts() == before


def test_the_same_seed_gives_the_same_data_in_a_fresh_database(tiny):
    first = snapshot()
    wipe_demo_data()
    seed("--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat())
    assert snapshot() == first


def test_different_seeds_give_different_data(tiny):
    first = snapshot()
    wipe_demo_data()
    seed("--scale", "tiny", "--seed", "2", "--today", TODAY.isoformat())
    second = snapshot()
    assert second["children"] != first["children"]
    assert second["users"] == first["users"]


def test_the_plan_is_the_same_for_the_same_seed_and_date():
    assert plan("tiny", 7, TODAY) == plan("tiny", 7, TODAY)
    assert plan("tiny", 7, TODAY) != plan("tiny", 8, TODAY)


def test_it_refuses_a_database_with_children_it_did_not_create(csc):
    ChildFactory(involved=[csc])
    with pytest.raises(CommandError, match="did not create"):
        seed("--scale", "tiny")
    assert not User.objects.filter(username__startswith="demo.").exists()


def test_it_refuses_to_run_in_production(db, monkeypatch):
    monkeypatch.setenv("MACE_PRODUCTION", "1")
    with pytest.raises(CommandError, match="MACE_PRODUCTION"):
        seed("--scale", "tiny")
    assert not Child.objects.exists()
