"""The demo's intelligence picture: networks in every quadrant linked to seeded children of
their area, recorded as the services would record them, obviously fictional, and the same for
the same seed."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from mace.access import policy
from mace.accounts.models import User
from mace.demo.accounts import PASSWORD_ENV
from mace.intelligence.models import (
    RECORD_MODELS,
    Link,
    Location,
    PersonOfConcern,
    Phone,
    Record,
    Vehicle,
)
from mace.people.models import AgencyInvolvement, ChronologyEntry

TODAY = date(2025, 6, 30)


def wipe_intelligence() -> None:
    """Delete every intelligence row (links first: they protect records, children and users)."""
    Link.objects.all().delete()
    for model in RECORD_MODELS.values():
        model._default_manager.all().delete()
    Record.objects.all().delete()


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def tiny(db):  # type: ignore[no-untyped-def]
    return seed("--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat())


def snapshot() -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    return {
        "records": sorted(Record.objects.values_list("kind", "label", "area__code"), key=str),
        "links": sorted(
            Link.objects.values_list(
                "child__surname",
                "subject__label",
                "relationship",
                "target__label",
                "information_date",
                "source_kind",
                "source_evaluation",
                "intelligence_assessment",
            ),
            key=str,
        ),  # fmt: skip
    }


def test_every_quadrant_has_a_network_linked_to_children(tiny):
    assert "persons of concern" in tiny and "intelligence links" in tiny
    quadrants = set(PersonOfConcern.objects.values_list("area__quadrant__code", flat=True)) | set(
        Location.objects.values_list("area__quadrant__code", flat=True)
    )
    assert quadrants == {"mid", "north", "south", "west"}
    assert Link.objects.filter(child__isnull=False).count() >= 8
    for kind in ("person", "location", "vehicle", "phone", "account"):
        assert Record.objects.filter(kind=kind).exists(), kind


def test_children_are_linked_only_to_networks_in_their_own_area(tiny):
    def patch(area):  # type: ignore[no-untyped-def]
        return area.quadrant_id or f"unitary {area.pk}"

    links = Link.objects.filter(child__isnull=False, target__area__isnull=False)
    assert links.exists()
    for link in links.select_related("child__area", "target__area"):
        assert patch(link.child.area) == patch(link.target.area)


def test_vehicles_and_phones_are_shared_between_persons(tiny):
    users = Counter(
        Link.objects.filter(relationship="uses", subject__kind="person").values_list(
            "target_id", flat=True
        )
    )
    assert max(users.values()) >= 2


def test_a_link_to_a_child_is_recorded_as_the_service_records_it(tiny):
    links = Link.objects.filter(child__isnull=False)
    involved = set(AgencyInvolvement.objects.values_list("child_id", "agency_id"))
    for link in links:
        assert (link.child_id, link.agency_id) in involved
        assert link.information_date <= TODAY
    entries = ChronologyEntry.objects.filter(title__startswith="Linked to")
    assert entries.count() == links.count()
    # The chronology never names the record: every agency working with the child reads it.
    for entry in entries:
        assert not any(
            name in entry.body for name in PersonOfConcern.objects.values_list("name", flat=True)
        )


def test_an_origin_is_a_concern_about_the_same_child(tiny):
    with_origin = Link.objects.filter(origin_id__isnull=False)
    assert with_origin.exists()
    for link in with_origin:
        assert link.origin.child_id == link.child_id


def test_the_gradings_are_varied_so_the_demo_shows_what_is_not_fact(tiny):
    beliefs = Counter(link.belief for link in Link.objects.all())
    assert beliefs["established"] and beliefs["ungraded"] and beliefs["reported"]


def test_each_identity_matches_its_record(tiny):
    for kind, model in RECORD_MODELS.items():
        for record in model._default_manager.select_related("record"):
            assert record.record.kind == kind
            assert record.record.label == record.label
            assert record.record.area_id == record.record_area_id


def test_everything_is_obviously_fictional(tiny):
    for registration in Vehicle.objects.values_list("registration", flat=True):
        assert re.fullmatch(r"ZZ\d{2}[A-Z]{3}", registration)
    for number in Phone.objects.values_list("number", flat=True):
        assert number.startswith("07700900")
    for postcode in Location.objects.values_list("postcode", flat=True):
        assert postcode[-3:-1] == "9Z"


def test_the_demo_district_officers_have_places_in_their_districts(tiny):
    for username, district in (("demo.district", "basildon"), ("demo.csp", "colchester")):
        officer = User.objects.get(username=username)
        visible = policy.scope_intelligence(officer, Record.objects.all())
        assert visible.filter(kind="location", area__code=district).exists(), username


def test_the_same_seed_gives_the_same_picture_and_another_seed_another(tiny):
    from tests.demo.test_seed_demo import wipe_demo_data

    first = snapshot()
    wipe_demo_data()
    seed("--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat())
    assert snapshot() == first
    wipe_demo_data()
    seed("--scale", "tiny", "--seed", "2", "--today", TODAY.isoformat())
    assert snapshot() != first
