"""GET /api/v1/concerns/{id}: who may read a concern is decided through its child, and the look
is logged as a look at a concern, allowed or refused."""

from __future__ import annotations

import datetime as dt

import pytest

from mace.access.choices import AccessAction, AccessOutcome
from mace.access.models import AccessEvent
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from tests.api import API, allowed_events, refused_events, signed_in, today


@pytest.fixture
def concern(alice, child):  # type: ignore[no-untyped-def]
    return concern_record(
        actor=alice,
        child=child,
        narrative="A fictional concern about late nights.",
        indicators=[
            IndicatorSeen("multiple-phones", today(), "parent", "Mum found a second phone")
        ],
        routes=[RouteTo("care", today() + dt.timedelta(days=5))],
    )


def url(concern_id: int) -> str:
    return f"{API}/concerns/{concern_id}"


def test_the_author_reads_the_concern_and_the_read_is_logged(alice, csc, child, concern):
    response = signed_in(alice).get(url(concern.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == concern.pk
    assert body["child_id"] == child.pk
    assert body["narrative"] == "A fictional concern about late nights."
    assert body["agency"] == csc.name
    assert body["indicators"] == [
        {
            "code": "multiple-phones",
            "label": "Several phones or SIM cards",
            "group": body["indicators"][0]["group"],
            "seen_on": str(today()),
            "source": "parent",
            "source_label": "Told by a parent or carer",
            "note": "Mum found a second phone",
        }
    ]
    assert body["routes"][0]["route"] == "care"
    assert allowed_events(alice, child, AccessAction.VIEW_CONCERN) == 1


def test_a_colleague_in_the_same_agency_reads_it_too(manager, child, concern):
    assert signed_in(manager).get(url(concern.pk)).status_code == 200


def test_an_outsider_gets_404_and_the_refusal_is_logged_against_the_child(
    outsiders, child, concern
):
    for outsider in outsiders:
        response = signed_in(outsider).get(url(concern.pk))
        assert response.status_code == 404
        assert refused_events(outsider, child, AccessAction.VIEW_CONCERN) == 1


def test_a_concern_that_does_not_exist_answers_as_a_hidden_one_does_and_is_logged(
    alice, bob, concern
):
    hidden = signed_in(bob).get(url(concern.pk))
    missing = signed_in(alice).get(url(concern.pk + 1000))
    assert missing.status_code == hidden.status_code == 404
    assert missing.content == hidden.content
    event = AccessEvent.objects.get(user=alice, outcome=AccessOutcome.REFUSED)
    assert event.action == AccessAction.VIEW_CONCERN
    assert event.child_id is None
    assert str(concern.pk + 1000) in event.detail
