from __future__ import annotations

import datetime as dt

import pytest

from mace.concerns.models import Concern
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.core.errors import DomainError, Refused
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from mace.reference.models import Definition
from tests.clock import today


def _indicators():
    return [
        IndicatorSeen("multiple-phones", today() - dt.timedelta(days=3), "observed", "Two phones"),
        IndicatorSeen("older-associates", today() - dt.timedelta(days=10), "child"),
    ]


def test_a_concern_records_indicators_routes_definition_and_goes_on_the_chronology(alice, child):
    concern = concern_record(
        actor=alice,
        child=child,
        narrative="Seen getting into cars with older males.",
        indicators=_indicators(),
        routes=[RouteTo("police", today() + dt.timedelta(days=2))],
    )
    assert concern.definition == Definition.objects.get(version="HO-2017")
    assert {i.indicator.code for i in concern.indicators.all()} == {
        "multiple-phones",
        "older-associates",
    }
    assert [r.route for r in concern.routes.all()] == ["police"]
    entry = ChronologyEntry.objects.get(concern=concern)
    assert entry.kind == EntryKind.CONCERN and "Several phones" in entry.title


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(alice, child):
    future = today() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        concern_record(
            actor=alice,
            child=child,
            narrative="  ",
            indicators=[
                IndicatorSeen("no-such-indicator", future, "gossip"),
                IndicatorSeen("multiple-phones", None, "observed"),
                IndicatorSeen("multiple-phones", today(), "observed"),
            ],
            routes=[RouteTo("police", today() - dt.timedelta(days=1)), RouteTo("police", None)],
        )
    errors = refused.value.errors
    assert {
        "narrative",
        "indicators.0.indicator",
        "indicators.0.seen_on",
        "indicators.0.source",
        "indicators.1.seen_on",
        "indicators.2.indicator",
        "routes.0.target_date",
        "routes.1.route",
        "routes.1.target_date",
    } <= set(errors)
    assert not Concern.objects.exists()
    assert not ChronologyEntry.objects.filter(kind=EntryKind.CONCERN).exists()


def test_an_indicator_cannot_be_seen_before_the_child_was_born(alice, child):
    before_birth = child.dob - dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        concern_record(
            actor=alice,
            child=child,
            narrative="Text",
            indicators=[IndicatorSeen("multiple-phones", before_birth, "records")],
            routes=[RouteTo("csc", today())],
        )
    assert "date of birth" in refused.value.errors["indicators.0.seen_on"][0]


def test_a_concern_needs_at_least_one_indicator_and_one_route(alice, child):
    with pytest.raises(DomainError) as refused:
        concern_record(actor=alice, child=child, narrative="Text", indicators=[], routes=[])
    assert set(refused.value.errors) == {"indicators", "routes"}


def test_an_outsider_cannot_record_a_concern_and_so_gain_access(bob, child):
    with pytest.raises(Refused):
        concern_record(
            actor=bob,
            child=child,
            narrative="Text",
            indicators=_indicators(),
            routes=[RouteTo("csc", today())],
        )
    assert not Concern.objects.exists()
