"""Adding a link from a record's page and from a child's page (find, then say how they are
linked, the source and the grading), and the "People, places and vehicles" section of the
child's page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from mace.access.choices import AccessOutcome
from mace.access.models import AccessEvent
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.core.models import Draft
from mace.intelligence.models import Link
from mace.people.models import ChronologyEntry
from tests.intelligence import link, location, person, today, vehicle, words
from tests.pages import assert_error_summary, date_parts, refused_events


def _details(**overrides: str) -> dict[str, str]:
    day = today() - dt.timedelta(days=2)
    data = {
        **date_parts("information_date", day),
        "source_kind": "officer",
        "source_agency": "",
        "source_detail": "",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "handling_conditions": "",
        "note": "Seen together outside the fictional arcade",
    }
    return data | overrides


def test_a_link_is_found_then_described_from_a_records_page(client, alice):
    mordecai = person(alice)
    car = vehicle(alice)
    client.force_login(alice)
    url = reverse("intelligence:person_link_add", args=[mordecai.pk])
    find = client.get(url).content.decode()
    assert "What are you linking to?" in find and "A child" in find
    found = client.get(url, {"kind": "vehicle", "q": "zz19"}).content.decode()
    assert "ZZ19 FKE, silver Ford Focus" in found and f"?to=vehicle%3A{car.pk}" in found
    form = client.get(url, {"to": f"vehicle:{car.pk}"}).content.decode()
    # The choices are sentences, in both directions where both read.
    assert "Mordecai Blackwhistle uses ZZ19 FKE, silver Ford Focus" in form
    assert "Mordecai Blackwhistle owns or is the registered keeper of ZZ19 FKE" in form
    assert "ZZ19 FKE, silver Ford Focus was seen at" not in form
    response = client.post(f"{url}?to=vehicle:{car.pk}", _details(relationship="uses:forward"))
    assert response.status_code == 302 and response["Location"] == mordecai.get_absolute_url()
    made = Link.objects.get()
    assert (made.subject_id, made.target_id, made.relationship) == (mordecai.pk, car.pk, "uses")
    assert made.source_agency == alice.agency and made.belief == "established"


def test_a_reversed_sentence_puts_the_other_record_first(client, alice):
    mordecai = person(alice)
    hotel = location(alice)
    client.force_login(alice)
    url = reverse("intelligence:location_link_add", args=[hotel.pk])
    response = client.post(
        f"{url}?to=person:{mordecai.pk}", _details(relationship="works_at:reverse")
    )
    assert response.status_code == 302
    made = Link.objects.get()
    assert (made.subject_id, made.target_id) == (mordecai.pk, hotel.pk)


def test_bad_input_on_the_link_form_keeps_what_was_typed_and_writes_nothing(client, alice):
    mordecai = person(alice)
    car = vehicle(alice)
    client.force_login(alice)
    url = reverse("intelligence:person_link_add", args=[mordecai.pk]) + f"?to=vehicle:{car.pk}"
    response = client.post(
        url,
        _details(
            relationship="",
            source_evaluation="2",
            intelligence_assessment="",
            handling_code="C",
            **date_parts("information_date", today() + dt.timedelta(days=1)),
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(
        html, "relationship_0", "information_date-day", "intelligence_assessment_0",
        "handling_conditions",
    )  # fmt: skip
    assert "Seen together outside the fictional arcade" in html
    assert not Link.objects.exists()


def test_the_find_step_needs_a_kind_and_a_search(client, alice):
    mordecai = person(alice)
    client.force_login(alice)
    url = reverse("intelligence:person_link_add", args=[mordecai.pk])
    html = client.get(url, {"kind": "", "q": ""}).content.decode()
    assert_error_summary(html, "kind_0", "q")


def test_choosing_something_the_user_may_not_see_is_404_and_logged(client, alice, district):
    hotel = location(district)
    far = location(alice, name="The Far Kipper", line1="3 Far Lane", postcode="CO1 9ZB")
    client.force_login(district)
    url = reverse("intelligence:location_link_add", args=[hotel.pk])
    assert client.get(url, {"to": f"location:{far.pk}"}).status_code == 404
    assert AccessEvent.objects.filter(
        user=district, object_id=str(far.pk), outcome=AccessOutcome.REFUSED
    ).exists()
    # A district officer is never offered children to link to.
    assert "A child" not in client.get(url).content.decode()


def test_a_child_is_chosen_only_if_the_user_may_see_them(client, alice, bob, child):
    mordecai = person(bob)
    client.force_login(bob)
    url = reverse("intelligence:person_link_add", args=[mordecai.pk])
    assert client.get(url, {"to": f"child:{child.pk}"}).status_code == 404
    assert refused_events(bob, child) == 1
    found = client.get(url, {"kind": "child", "q": "Zephyrine"}).content.decode()
    assert "Zephyrine Testington" not in found and "Nothing found" in found


# --- from a child's page ----------------------------------------------------------------------


def test_a_link_is_added_from_a_childs_page_with_the_concern_it_came_from(client, alice, child):
    mordecai = person(alice)
    concern = concern_record(
        actor=alice, child=child, narrative="Seen with an older man (fictional).",
        indicators=[IndicatorSeen("older-associates", today(), "observed")],
        routes=[RouteTo("police", today() + dt.timedelta(days=3))],
    )  # fmt: skip
    client.force_login(alice)
    url = reverse("intelligence:child_link_add", args=[child.pk])
    found = client.get(url, {"kind": "person", "q": "mordecai"}).content.decode()
    assert "Mordecai Blackwhistle" in found and "A child" not in found
    form = client.get(url, {"to": f"person:{mordecai.pk}"}).content.decode()
    assert "Zephyrine Testington was seen with Mordecai Blackwhistle" in form
    assert "Did this come from a concern already recorded?" in form
    response = client.post(
        f"{url}?to=person:{mordecai.pk}",
        _details(relationship="seen_with:forward", origin=f"concerns.concern:{concern.pk}"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])
    made = Link.objects.get()
    assert made.child == child and made.origin == concern
    assert ChronologyEntry.objects.filter(child=child, title__startswith="Linked to").exists()
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "People, places and vehicles" in page
    assert "Zephyrine Testington was seen with Mordecai Blackwhistle." in words(page)
    assert "From a concern" in page


def test_outsiders_get_404_on_a_childs_link_page(client, child, bob, district, board):
    for user in (bob, district, board):
        client.force_login(user)
        url = reverse("intelligence:child_link_add", args=[child.pk])
        assert client.get(url).status_code == 404
        assert refused_events(user, child) == 1


def test_someone_who_sees_the_child_but_not_intelligence_gets_no_section(client, nurse, child):
    from mace.people.models import AgencyInvolvement

    AgencyInvolvement.objects.create(child=child, agency=nurse.agency, reason="allocated")
    client.force_login(nurse)
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "People, places and vehicles</h2>" not in page
    assert client.get(reverse("intelligence:child_link_add", args=[child.pk])).status_code == 403


def test_the_childs_page_shows_their_links_graded(client, alice, child):
    mordecai = person(alice)
    hotel = location(alice)
    link(alice, mordecai, child=child, source_evaluation="2", intelligence_assessment="E")
    link(alice, hotel, child=child, relationship="found_at", days_ago=1)
    client.force_login(alice)
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    text = words(page)
    found = text.index("Established Zephyrine Testington was found at The Sleepy Kipper")
    doubted = text.index("Suspected to be false: Zephyrine Testington was seen with Mordecai")
    assert found < doubted


# As tests/people/test_pages_child_page.py: the section adds none per link.
from tests.people.test_pages_child_page import CHILD_PAGE_QUERIES  # noqa: E402


@pytest.mark.parametrize("links", [2, 30])
def test_the_childs_page_runs_a_fixed_number_of_queries_however_many_links(
    client, alice, child, links, django_assert_max_num_queries
):
    mordecai = person(alice)
    for n in range(links):
        link(alice, mordecai, child=child, days_ago=n)
    client.force_login(alice)
    with django_assert_max_num_queries(CHILD_PAGE_QUERIES):
        response = client.get(reverse("people:detail", args=[child.pk]))
    assert response.content.decode().count("mace-link-details") == links


# --- drafts ------------------------------------------------------------------------------------


def test_the_link_form_keeps_a_draft_for_whoever_may_make_the_link(client, alice, board, child):
    mordecai = person(alice)
    key = f"link:child:{child.pk}:person:{mordecai.pk}"
    body = json.dumps({"data": {"note": ["Half typed"]}})
    client.force_login(alice)
    saved = client.post(
        reverse("core:draft_save", args=[key]), body, content_type="application/json"
    )
    assert saved.status_code == 204
    url = reverse("intelligence:child_link_add", args=[child.pk])
    form = client.get(url, {"to": f"person:{mordecai.pk}"}).content.decode()
    assert "Draft restored" in form and "Half typed" in form
    client.post(f"{url}?to=person:{mordecai.pk}", _details(relationship="seen_with:forward"))
    assert not Draft.objects.exists()
    client.force_login(board)
    refused = client.post(
        reverse("core:draft_save", args=[key]), body, content_type="application/json"
    )
    assert refused.status_code == 404
