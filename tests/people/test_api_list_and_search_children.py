"""GET /api/v1/children: the children a user may see, or a search among them, with a note of
records elsewhere when an exact strong identifier and the date of birth match a child the user
may not see (never a MACE reference, a name, or an identifier alone)."""

from __future__ import annotations

import datetime as dt

import pytest

from mace.access.choices import AccessAction, AccessOutcome
from mace.access.models import AccessEvent
from mace.people.models import ChildIdentifier
from tests.api import API, FICTIONAL_NHS_NUMBER, allowed_events, field_errors, signed_in
from tests.factories import ChildFactory

URL = f"{API}/children"


def test_without_a_query_it_lists_only_the_children_the_user_may_see(alice, child, police):
    ChildFactory(forename="Tobiah", surname="Policeonly", involved=[police])
    response = signed_in(alice).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [c["id"] for c in body["items"]] == [child.pk]
    assert body["items"][0]["reference"] == child.reference
    assert body["items"][0]["surname"] == "Testington"
    assert body["record_elsewhere"] == []
    assert allowed_events(alice, child, AccessAction.LIST) == 1


def test_the_outsider_does_not_see_the_child_in_the_list(bob, child):
    body = signed_in(bob).get(URL).json()
    assert body["count"] == 0 and body["items"] == []
    assert not AccessEvent.objects.filter(user=bob, child=child).exists()


def test_the_list_is_paginated_and_every_child_shown_is_logged(alice, csc, child):
    others = [ChildFactory(surname=f"Zz-Fictional{n}", involved=[csc]) for n in range(3)]
    body = signed_in(alice).get(URL, {"limit": 2, "offset": 1}).json()
    assert body["count"] == 4
    assert (body["limit"], body["offset"]) == (2, 1)
    assert [c["id"] for c in body["items"]] == [others[0].pk, others[1].pk]
    listed = set(
        AccessEvent.objects.filter(user=alice, action=AccessAction.LIST).values_list(
            "child_id", flat=True
        )
    )
    assert listed == {others[0].pk, others[1].pk}


def test_the_list_counts_up_to_a_bound_and_says_when_there_are_more(alice, csc, child, monkeypatch):
    from mace.people import api

    monkeypatch.setattr(api, "LIST_COUNT_BOUND", 2)
    ChildFactory.create_batch(2, involved=[csc])
    body = signed_in(alice).get(URL, {"limit": 1}).json()
    assert (body["count"], body["truncated"], len(body["items"])) == (2, True, 1)
    monkeypatch.setattr(api, "LIST_COUNT_BOUND", 3)
    body = signed_in(alice).get(URL, {"limit": 1}).json()
    assert (body["count"], body["truncated"]) == (3, False)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"dob": "not-a-date"}, "dob"),
    ],
)
def test_a_page_size_out_of_bounds_or_a_bad_date_is_a_field_error(alice, child, params, field):
    response = signed_in(alice).get(URL, params)
    assert field in field_errors(response)
    assert not AccessEvent.objects.filter(user=alice).exists()


def test_a_search_by_name_finds_visible_children_only(alice, csc, police, child):
    ChildFactory(forename="Zephyrine", surname="Hidden-Fictional", involved=[police])
    response = signed_in(alice).get(URL, {"q": "zephyrine"})
    body = response.json()
    assert [c["id"] for c in body["items"]] == [child.pk]
    assert body["record_elsewhere"] == []
    assert allowed_events(alice, child, AccessAction.LIST) == 1


def test_a_search_by_date_of_birth(alice, csc, child):
    ChildFactory(dob=dt.date(2012, 2, 29), involved=[csc])
    body = signed_in(alice).get(URL, {"dob": str(child.dob)}).json()
    assert [c["id"] for c in body["items"]] == [child.pk]


def test_an_exact_identifier_of_a_hidden_child_says_a_record_exists_and_whom_to_contact(
    alice, police
):
    police.contact = "Fictional exploitation desk, 01234 000000"
    police.save()
    hidden = ChildFactory(forename="Marigold", surname="Unseen-Fictional", involved=[police])
    ChildIdentifier.objects.create(child=hidden, type="nhs", value=FICTIONAL_NHS_NUMBER)
    response = signed_in(alice).get(URL, {"q": FICTIONAL_NHS_NUMBER, "dob": hidden.dob})
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == []
    assert body["record_elsewhere"] == [
        {
            "identifier_type": "NHS number",
            "agencies": ["Essex Police"],
            "contacts": ["Fictional exploitation desk, 01234 000000"],
        }
    ]
    # Nothing about the child themselves.
    assert "Marigold" not in response.content.decode()
    assert AccessEvent.objects.filter(
        user=alice, child=hidden, action=AccessAction.EXISTS, outcome=AccessOutcome.REFUSED
    ).exists()


@pytest.mark.parametrize("persona", ["district", "board", "admin_user"])
def test_roles_without_case_content_are_refused_the_register(request, child, persona):
    user = request.getfixturevalue(persona)
    response = signed_in(user).get(URL)
    assert response.status_code == 403
    assert not AccessEvent.objects.filter(user=user).exists()


@pytest.fixture
def hidden(police):  # type: ignore[no-untyped-def]
    """A child only the police work with, known by a fictional NHS number."""
    police.contact = "Fictional exploitation desk, 01234 000000"
    police.save()
    child = ChildFactory(forename="Marigold", surname="Unseen-Fictional", involved=[police])
    ChildIdentifier.objects.create(child=child, type="nhs", value=FICTIONAL_NHS_NUMBER)
    return child


def _reveals_nothing(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    body = response.json()
    assert (body["items"], body["record_elsewhere"], body["count"]) == ([], [], 0)
    text = response.content.decode()
    assert "Essex Police" not in text and "Marigold" not in text and "exploitation desk" not in text


@pytest.mark.parametrize(
    "params",
    [
        pytest.param(lambda c: {"q": FICTIONAL_NHS_NUMBER}, id="identifier-without-dob"),
        pytest.param(
            lambda c: {"q": FICTIONAL_NHS_NUMBER, "dob": c.dob - dt.timedelta(days=1)},
            id="identifier-with-another-dob",
        ),
        pytest.param(lambda c: {"q": c.reference, "dob": c.dob}, id="mace-reference-with-dob"),
        pytest.param(lambda c: {"q": f"MACE-{c.pk}"}, id="short-mace-reference"),
        pytest.param(lambda c: {"q": "Marigold", "dob": c.dob}, id="name-with-dob"),
    ],
)
def test_nothing_is_said_of_a_hidden_child_without_a_strong_identifier_and_its_dob(
    alice, hidden, params
):
    _reveals_nothing(signed_in(alice).get(URL, params(hidden)))


def test_a_weak_identifier_with_the_dob_says_nothing(alice, hidden):
    ChildIdentifier.objects.create(child=hidden, type="other", value="OTHER-FICTIONAL-7")
    _reveals_nothing(signed_in(alice).get(URL, {"q": "OTHER-FICTIONAL-7", "dob": hidden.dob}))


@pytest.mark.parametrize("type_", ["upn", "la", "police"])
def test_each_other_strong_identifier_with_the_dob_says_a_record_exists(alice, hidden, type_):
    value = {"upn": "A999000000001", "la": "LA-FICTIONAL-1", "police": "ZZ/FICTIONAL/1"}[type_]
    ChildIdentifier.objects.create(child=hidden, type=type_, value=value.upper())
    body = signed_in(alice).get(URL, {"q": value, "dob": hidden.dob}).json()
    assert [e["agencies"] for e in body["record_elsewhere"]] == [["Essex Police"]]
