"""GET /api/v1/children/{id}/chronology: newest first, corrections nested under the entries
they correct, concerns with their indicators and routes, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from mace.access.choices import AccessAction
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.people.choices import EntryKind
from mace.people.services import chronology_add, chronology_amend
from tests.api import API, allowed_events, bearer, signed_in, today, token_for
from tests.people.chronology import build_chronology


def url(child) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/children/{child.pk}/chronology"


def test_the_chronology_is_newest_first_with_amendments_indicators_and_routes(alice, csc, child):
    note = chronology_add(
        actor=alice,
        child=child,
        kind=EntryKind.NOTE,
        title="Fictional first note",
        body="Original wording",
        occurred_at=dt.datetime(2024, 1, 5, 10, tzinfo=dt.UTC),
    )
    amendment = chronology_amend(
        actor=alice, entry=note, body="Corrected wording", reason="Wrong place name"
    )
    concern = concern_record(
        actor=alice,
        child=child,
        narrative="A fictional narrative.",
        indicators=[IndicatorSeen("multiple-phones", today(), "observed", "Two")],
        routes=[RouteTo("care", today() + dt.timedelta(days=14))],
    )
    response = signed_in(alice).get(url(child))
    assert response.status_code == 200
    entries = response.json()["items"]
    assert [e["kind"] for e in entries] == ["concern", "note"]
    newest, oldest = entries
    assert newest["concern"]["id"] == concern.pk
    assert newest["body"] == "A fictional narrative."
    assert newest["agency"] == csc.name
    assert newest["author"] == alice.display_name
    assert [(i["code"], i["note"]) for i in newest["concern"]["indicators"]] == [
        ("multiple-phones", "Two")
    ]
    assert newest["concern"]["routes"][0]["route"] == "care"
    assert newest["amendments"] == []
    # The original is kept as written; the correction sits under it.
    assert (oldest["id"], oldest["body"], oldest["concern"]) == (note.pk, "Original wording", None)
    assert [(a["id"], a["body"], a["amends"]) for a in oldest["amendments"]] == [
        (amendment.pk, "Corrected wording", note.pk)
    ]
    assert oldest["amendments"][0]["title"] == "Amendment: Wrong place name"
    assert allowed_events(alice, child, AccessAction.VIEW_CHRONOLOGY) == 1


# Session or token (2), role check, visible child, access event (4: the child exists, the log's
# head locked, the row, the head moved on), entries, amendments, indicators, routes: twelve, and
# the same bound for a short and a long history. Plus the second factor's device (a session) and
# the rate-limit counter in the database cache (6 at most).
QUERY_BOUND = 12 + 1 + 6 + 1  # and the page's count


@pytest.mark.parametrize("length", [3, 30])
def test_the_chronology_runs_a_fixed_number_of_queries_however_long_it_is(
    alice, child, length, django_assert_max_num_queries
):
    build_chronology(actor=alice, child=child, length=length)
    client = signed_in(alice)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url(child))
    assert response.status_code == 200
    entries = response.json()["items"]
    # The child came from a factory, so the chronology is exactly what was built: every third
    # entry a concern, and one note in three amended.
    assert len(entries) == length
    assert sum(len(e["amendments"]) for e in entries) == sum(n % 3 == 1 for n in range(length))
    assert sum(len(e["concern"]["indicators"]) for e in entries if e["concern"]) == 2 * sum(
        n % 3 == 0 for n in range(length)
    )


@pytest.mark.parametrize("length", [3, 30])
def test_the_bound_holds_with_a_personal_token_too(
    alice, child, length, django_assert_max_num_queries
):
    build_chronology(actor=alice, child=child, length=length)
    raw = token_for(alice)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = Client().get(url(child), headers=bearer(raw))
    assert response.status_code == 200


def test_the_chronology_is_paged_like_every_other_list(alice, child):
    build_chronology(actor=alice, child=child, length=5)
    client = signed_in(alice)
    whole = client.get(url(child)).json()
    assert (whole["count"], whole["limit"], whole["offset"]) == (5, 50, 0)
    page = client.get(url(child), {"limit": 2, "offset": 2}).json()
    assert (page["count"], page["limit"], page["offset"]) == (5, 2, 2)
    assert [e["id"] for e in page["items"]] == [e["id"] for e in whole["items"][2:4]]
    assert client.get(url(child), {"limit": 201}).status_code == 422


def test_the_chronology_can_be_narrowed_to_one_kind_and_one_agency(alice, bob, child):
    from mace.people.models import AgencyInvolvement

    build_chronology(actor=alice, child=child, length=6)
    AgencyInvolvement.objects.create(child=child, agency=bob.agency, reason="recorded")
    chronology_add(actor=bob, child=child, kind=EntryKind.NOTE, title="Fictional police note")
    client = signed_in(alice)

    concerns = client.get(url(child), {"kind": "concern"}).json()
    assert concerns["count"] == 2
    assert {e["kind"] for e in concerns["items"]} == {"concern"}

    by_police = client.get(url(child), {"agency": bob.agency.pk}).json()
    assert (by_police["count"], [e["title"] for e in by_police["items"]]) == (
        1,
        ["Fictional police note"],
    )
    both = client.get(url(child), {"kind": "note", "agency": alice.agency.pk}).json()
    assert both["count"] == 4 and {e["kind"] for e in both["items"]} == {"note"}


def test_a_kind_that_does_not_exist_is_a_field_error(alice, child):
    response = signed_in(alice).get(url(child), {"kind": "gossip"})
    assert response.status_code == 422
    assert "kind" in str(response.json())
