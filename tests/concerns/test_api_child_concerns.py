"""GET and POST /api/v1/children/{id}/concerns: recording a concern with the indicators seen,
the narrative and the routing, and reading the concerns recorded about a child."""

from __future__ import annotations

import datetime as dt

from mace.access.choices import AccessAction
from mace.concerns.models import Concern
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.people.choices import EntryKind
from mace.people.models import AgencyInvolvement, ChronologyEntry
from mace.reference.models import Definition
from tests.api import (
    API,
    allowed_events,
    concern_body,
    field_errors,
    row_counts,
    signed_in,
    today,
)


def url(child) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/children/{child.pk}/concerns"


def record(user, child, body):  # type: ignore[no-untyped-def]
    return signed_in(user).post(url(child), body, content_type="application/json")


def test_a_practitioner_records_a_concern_and_it_goes_on_the_chronology(alice, csc, child):
    response = record(alice, child, concern_body())
    assert response.status_code == 201, response.content
    body = response.json()
    concern = Concern.objects.get()
    assert body["id"] == concern.pk
    assert body["child_id"] == child.pk
    assert body["child_reference"] == child.reference
    assert body["agency"] == csc.name
    assert body["author"] == alice.display_name
    assert body["narrative"].startswith("Seen getting into a car")
    in_force = Definition.in_force()
    assert in_force is not None
    assert body["definition"] == {"title": in_force.title, "version": in_force.version}
    assert {(i["code"], i["source"], i["note"]) for i in body["indicators"]} == {
        ("multiple-phones", "observed", "Two phones"),
        ("older-associates", "child", ""),
    }
    phones = next(i for i in body["indicators"] if i["code"] == "multiple-phones")
    assert phones["label"] == "Several phones or SIM cards"
    assert phones["source_label"] == "Seen by me"
    assert phones["seen_on"] == str(today() - dt.timedelta(days=2))
    assert body["routes"] == [
        {"route": "police", "label": "Police", "target_date": str(today() + dt.timedelta(days=3))}
    ]
    assert ChronologyEntry.objects.filter(
        child=child, kind=EntryKind.CONCERN, concern=concern
    ).exists()
    assert allowed_events(alice, child, AccessAction.CHANGE) == 1


def test_recording_a_concern_involves_another_agency_that_can_see_the_child(bob, police, child):
    # bob's agency is allocated to the child, so bob may see and add to the record.
    AgencyInvolvement.objects.create(child=child, agency=police, reason="allocated")
    assert record(bob, child, concern_body()).status_code == 201
    assert Concern.objects.get().agency == police


def test_missing_narrative_indicators_and_routes_are_field_errors(alice, child):
    before = row_counts()
    errors = field_errors(record(alice, child, {"narrative": "  "}))
    assert errors == {
        "narrative": ["Describe what you saw or were told"],
        "indicators": ["Select at least one indicator you saw"],
        "routes": ["Choose where this concern is being sent"],
    }
    assert row_counts() == before


def test_each_wrong_indicator_and_route_is_named_by_its_position(alice, child):
    before = row_counts()
    body = concern_body(
        indicators=[
            {"indicator": "not-an-indicator", "seen_on": str(today()), "source": "observed"},
            {
                "indicator": "multiple-phones",
                "seen_on": str(today() + dt.timedelta(days=1)),
                "source": "a little bird",
            },
        ],
        routes=[
            {"route": "pigeon", "target_date": str(today())},
            {"route": "care", "target_date": str(today() - dt.timedelta(days=1))},
        ],
    )
    errors = field_errors(record(alice, child, body))
    assert errors["indicators.0.indicator"] == ["Choose an indicator from the list"]
    assert errors["indicators.1.seen_on"] == [
        "The date 'Several phones or SIM cards' was seen must be today or in the past"
    ]
    assert errors["indicators.1.source"] == ["Choose where 'Several phones or SIM cards' came from"]
    assert errors["routes.0.route"] == ["Choose a service from the list"]
    assert errors["routes.1.target_date"] == ["The target date must be today or in the future"]
    assert row_counts() == before


def test_a_malformed_date_or_a_missing_code_is_a_field_error(alice, child):
    before = row_counts()
    body = concern_body(
        indicators=[{"seen_on": "yesterday", "source": "observed"}],
        routes=[{"target_date": str(today())}],
    )
    errors = field_errors(record(alice, child, body))
    assert {"indicators.0.indicator", "indicators.0.seen_on", "routes.0.route"} <= set(errors)
    assert row_counts() == before


def test_the_list_shows_the_childs_concerns_newest_first(alice, child):
    for narrative in ["Earlier fictional concern.", "Later fictional concern."]:
        concern_record(
            actor=alice,
            child=child,
            narrative=narrative,
            indicators=[IndicatorSeen("multiple-phones", today(), "observed")],
            routes=[RouteTo("csc", today())],
        )
    response = signed_in(alice).get(url(child))
    assert response.status_code == 200
    body = response.json()
    assert [c["narrative"] for c in body] == [
        "Later fictional concern.",
        "Earlier fictional concern.",
    ]
    assert body[0]["indicators"][0]["label"] == "Several phones or SIM cards"
    assert body[0]["routes"][0]["route"] == "csc"
    assert allowed_events(alice, child, AccessAction.VIEW_CONCERN) == 1
