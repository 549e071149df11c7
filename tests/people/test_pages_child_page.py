from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mace.access.choices import AccessAction
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.people.choices import EntryKind
from mace.people.models import AgencyInvolvement, ChildAddress, ChildIdentifier
from mace.people.selectors import CHRONOLOGY_PER_PAGE
from mace.people.services import child_address_add, chronology_add, chronology_amend
from tests.pages import allowed_events, assert_sign_in_redirect, refused_events, today
from tests.people.chronology import build_chronology


def page(client, child):  # type: ignore[no-untyped-def]
    return client.get(reverse("people:detail", args=[child.pk]))


def test_anonymous_is_sent_to_sign_in(client, child):
    assert_sign_in_redirect(page(client, child))


def test_the_summary_shows_who_the_child_is(client, alice, child):
    ChildIdentifier.objects.create(child=child, type="police", value="FICTIONAL/123")
    child_address_add(
        actor=alice, child=child, line1="1 Imaginary Row", postcode="CM1 1ZZ", start_date=today()
    )
    client.force_login(alice)
    response = page(client, child)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zephyrine Testington" in html
    assert child.reference in html
    assert f"(age {child.age_on()})" in html
    assert "Female" in html
    assert "Police reference: FICTIONAL/123" in html
    assert "1 Imaginary Row" in html
    area = ChildAddress.objects.get(child=child).area
    assert area is not None
    assert f"{area} council area" in html and f"{area.quadrant} quadrant" in html
    assert "Essex Children and Families (social care)" in html


def test_an_address_that_could_not_be_placed_says_so_with_a_link_to_place_it(client, alice, child):
    address = child_address_add(
        actor=alice, child=child, line1="2 Nowhere Lane", postcode="ZE9 9ZZ", start_date=today()
    )
    assert address.area is None
    client.force_login(alice)
    html = page(client, child).content.decode()
    assert "This address could not be placed" in html
    assert reverse("people:address_place", args=[child.pk, address.pk]) in html


def test_the_chronology_is_newest_first_with_indicators_routes_and_amendments(client, alice, child):
    old = chronology_add(
        actor=alice,
        child=child,
        kind=EntryKind.NOTE,
        title="Fictional first note",
        body="Original wording of the note",
        occurred_at=dt.datetime(2024, 1, 5, 10, tzinfo=dt.UTC),
    )
    chronology_amend(actor=alice, entry=old, body="Corrected wording", reason="Wrong place name")
    concern_record(
        actor=alice,
        child=child,
        narrative="Fictional narrative about a concern.",
        indicators=[
            IndicatorSeen("multiple-phones", today() - dt.timedelta(days=2), "observed", "Two")
        ],
        routes=[RouteTo("care", today() + dt.timedelta(days=14))],
    )
    client.force_login(alice)
    html = page(client, child).content.decode()
    assert html.index("Fictional narrative") < html.index("Fictional first note")
    assert "Several phones or SIM cards" in html
    assert "Seen by me" in html
    assert "CARE (Children at Risk of Exploitation), target date" in html
    # The original stays visible, with the correction under it.
    assert "Original wording of the note" in html
    assert html.index("Original wording of the note") < html.index("Corrected wording")
    assert "Wrong place name" in html
    assert reverse("people:entry_amend", args=[child.pk, old.pk]) in html


def test_reading_the_page_is_logged(client, alice, child):
    client.force_login(alice)
    page(client, child)
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_a_concern_button_is_offered(client, alice, child):
    client.force_login(alice)
    html = page(client, child).content.decode()
    assert reverse("concerns:record", args=[child.pk]) in html


def test_every_outsider_gets_404_and_a_refused_event(client, outsiders, child):
    for user in outsiders:
        client.force_login(user)
        response = page(client, child)
        assert response.status_code == 404
        assert "Zephyrine" not in response.content.decode()
        assert refused_events(user, child) == 1


def test_a_child_that_does_not_exist_is_404(client, alice, db):
    client.force_login(alice)
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404


# The same bound at both lengths: the page must not grow a query per entry.
# 15: one of them asks the policy whether the user may change the details (the "Change" links).
# 16: one loads the session's second-factor device (django-otp checks it is still confirmed).
# 18: the access event locks its log's head and moves it on (the hash chain).
# 19: one asks whether the user may write about the child, so is not there only through
# emergency access (the banner, and every button or link that writes).
# 22: the "Missing episodes" section: the repeat missing rule, the episode counts, the latest few.
# 24: the "People, places and vehicles" section loads the reader's agency (whose type decides
# whether they see intelligence) and the child's links (tests/intelligence pins it with links).
# 26: the risk assessments section: the recent levels and those in progress (whether the user may
# start one is the answer at 19).
# 27: whether the child meets the MACE criteria, and why.
# 29: the chronology: the agencies that wrote on it (its filter) and how many entries it has (its
# pages); both read only this child's entries. Then its page of entries and their prefetches.
CHILD_PAGE_QUERIES = 29


@pytest.mark.parametrize("length", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries_whatever_the_chronology_length(
    client, alice, child, length, django_assert_max_num_queries
):
    build_chronology(actor=alice, child=child, length=length)
    child_address_add(
        actor=alice, child=child, line1="3 Pretend Close", postcode="SS14 1ZZ", start_date=today()
    )
    client.force_login(alice)
    with django_assert_max_num_queries(CHILD_PAGE_QUERIES):
        response = page(client, child)
    assert response.status_code == 200
    assert response.content.decode().count("<h3 class=") == min(length, CHRONOLOGY_PER_PAGE)


def _titles(html: str) -> list[str]:
    """The headings of the chronology's entries, in the order shown."""
    return [part.split("</h3>")[0].split(">")[-1] for part in html.split('<h3 class="')[1:]]


def test_a_long_chronology_is_shown_a_page_at_a_time_newest_first(client, alice, child):
    for n in range(CHRONOLOGY_PER_PAGE + 5):
        chronology_add(
            actor=alice,
            child=child,
            kind=EntryKind.NOTE,
            title=f"Fictional note {n:02}",
            occurred_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=n),
        )
    client.force_login(alice)
    first = page(client, child).content.decode()
    newest = [f"Fictional note {n:02}" for n in range(CHRONOLOGY_PER_PAGE + 4, -1, -1)]
    assert [t for t in _titles(first) if t.startswith("Fictional")] == newest[:CHRONOLOGY_PER_PAGE]
    assert "Page 1 of 2" in first
    assert "?page=2#chronology" in first
    second = client.get(reverse("people:detail", args=[child.pk]), {"page": 2}).content.decode()
    assert [t for t in _titles(second) if t.startswith("Fictional")] == newest[CHRONOLOGY_PER_PAGE:]
    assert f"Showing entries {CHRONOLOGY_PER_PAGE + 1} to " in second
    # A page past the end shows the last page, never an error.
    late = client.get(reverse("people:detail", args=[child.pk]), {"page": 99})
    assert late.status_code == 200 and _titles(late.content.decode()) == _titles(second)


def test_the_chronology_can_be_narrowed_to_one_kind_and_one_agency(client, alice, bob, child):
    build_chronology(actor=alice, child=child, length=6)
    AgencyInvolvement.objects.create(child=child, agency=bob.agency, reason="recorded")
    chronology_add(actor=bob, child=child, kind=EntryKind.NOTE, title="Fictional police note")
    client.force_login(alice)
    url = reverse("people:detail", args=[child.pk])

    concerns = client.get(url, {"kind": EntryKind.CONCERN}).content.decode()
    assert len(_titles(concerns)) == 2  # entries 0 and 3 of the six are concerns
    assert "Fictional note" not in concerns and "Fictional police note" not in concerns
    assert "(filtered)" in concerns

    by_police = client.get(url, {"agency": bob.agency.pk}).content.decode()
    assert _titles(by_police) == ["Fictional police note"]
    # The filter offers only the agencies that wrote on this chronology.
    assert f'<option value="{bob.agency.pk}" selected>' in by_police
    assert by_police.count("<option value=") == 1 + 2 + len(EntryKind) - 1 + 1

    # Both at once, and the filter is kept on the links to other pages.
    both = client.get(url, {"kind": EntryKind.NOTE, "agency": alice.agency.pk}).content.decode()
    assert _titles(both) and all(t.startswith("Fictional note") for t in _titles(both))


def test_a_filter_that_is_not_offered_says_so_and_shows_everything(client, alice, child):
    build_chronology(actor=alice, child=child, length=3)
    client.force_login(alice)
    response = client.get(
        reverse("people:detail", args=[child.pk]), {"kind": "gossip", "agency": "999999"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose a kind of entry from the list" in html
    assert "Choose an agency that has written on this chronology" in html
    assert len(_titles(html)) == 3
