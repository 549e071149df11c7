"""The disruption pages: the list with its filters, a disruption's page with its history and
evidence, recording and changing one (stale saves refused with both versions shown) and adding
evidence, for the allowed user, anonymous visitors, outsiders (404 and a refused access event) and
bad input (the GOV.UK error summary, nothing written)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mace.access.choices import AccessOutcome
from mace.access.models import AccessEvent
from mace.disruption.models import Disruption, EvidenceItem
from tests.disruption import closure, days, mace_action, statement
from tests.intelligence import COLCHESTER_POSTCODE, location, person, words
from tests.pages import assert_error_summary, assert_sign_in_redirect, date_parts


def _form(subject: Any, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": str(subject.pk),
        "type": "closure_notice",
        "status": "served",
        "lead_agency": "",
        "legal_basis": "Anti-social Behaviour, Crime and Policing Act 2014 s.76",
        "outcome": "",
        "action": "",
        "notes": "",
        **date_parts("applied_on", days(-3)),
        **date_parts("granted_on", days(-2)),
        **date_parts("served_on", days(-1)),
        **date_parts("expires_on", days(1)),
        **date_parts("review_on", None),
    }
    return data | fields


def test_anonymous_visitors_are_sent_to_sign_in(client, bob):
    disruption = closure(bob, location(bob))
    for url in (
        reverse("disruption:list"),
        reverse("disruption:create"),
        reverse("disruption:detail", args=[disruption.pk]),
        reverse("disruption:edit", args=[disruption.pk]),
        reverse("disruption:evidence_add", args=[disruption.pk]),
    ):
        assert_sign_in_redirect(client.get(url))


def test_a_police_practitioner_records_a_closure_notice(client, bob):
    hotel = location(bob)
    client.force_login(bob)
    page = client.get(reverse("disruption:create"), {"subject": hotel.pk})
    assert f'value="{hotel.pk}"' in page.content.decode()
    response = client.post(reverse("disruption:create"), _form(hotel))
    disruption = Disruption.objects.get()
    assert response.status_code == 302 and response["Location"] == disruption.get_absolute_url()
    assert disruption.lead_agency == bob.agency and disruption.expires_on == days(1)
    html = words(client.get(response["Location"]).content.decode())
    assert "Closure notice" in html and "The Sleepy Kipper Hotel" in html
    assert "Recorded, by" in html  # its history


def test_bad_input_shows_the_error_summary_and_writes_nothing(client, bob):
    hotel = location(bob)
    client.force_login(bob)
    data = _form(hotel, **date_parts("granted_on", days(-5)), type="")
    response = client.post(reverse("disruption:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "type", "granted_on-day")
    assert "The date granted must be on or after the date applied for" in html
    assert not Disruption.objects.exists()


def test_an_unknown_or_unseen_subject_is_an_error_not_a_clue(client, bob, district):
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    client.force_login(district)
    response = client.post(reverse("disruption:create"), _form(far))
    assert_error_summary(response.content.decode(), "subject")
    assert not Disruption.objects.exists()


def test_outsiders_get_404_and_the_refusal_is_logged(client, bob, board, nurse, colchester):
    disruption = closure(bob, location(bob))
    for user in (board, nurse, colchester):
        client.force_login(user)
        assert client.get(reverse("disruption:detail", args=[disruption.pk])).status_code == 404
        assert AccessEvent.objects.filter(
            user=user, object_id=str(disruption.pk), outcome=AccessOutcome.REFUSED
        ).exists()


def test_roles_without_disruption_get_403_for_the_list_and_a_new_one(client, board, nurse):
    for user in (board, nurse):
        client.force_login(user)
        assert client.get(reverse("disruption:list")).status_code == 403
        assert client.get(reverse("disruption:create")).status_code == 403


def test_the_list_is_scoped_filtered_and_paginated(client, bob, district):
    hotel = location(bob)
    far = location(bob, name="The Far Kipper", line1="3 Far Lane", postcode=COLCHESTER_POSTCODE)
    for _ in range(26):
        closure(bob, hotel)
    closure(bob, far, type="cpn", status="granted")
    client.force_login(bob)
    first = client.get(reverse("disruption:list")).content.decode()
    assert "27 disruptions" in first and "Page 1 of 2" in first
    cpn = client.get(reverse("disruption:list"), {"type": "cpn"}).content.decode()
    assert "1 disruption match the filters" in cpn and "The Far Kipper" in cpn
    served = client.get(reverse("disruption:list"), {"status": "served", "page": 2})
    assert "Page 2 of 2" in served.content.decode()
    client.force_login(district)
    theirs = client.get(reverse("disruption:list")).content.decode()
    assert "26 disruptions" in theirs and "The Far Kipper" not in theirs


def test_a_district_officer_opens_a_disruption_without_seeing_the_child(
    client, alice, district, child
):
    disruption = closure(alice, location(alice), type="cawn", child=child)
    statement(alice, disruption=disruption, child=child, person=person(alice))
    client.force_login(district)
    html = words(client.get(reverse("disruption:detail", args=[disruption.pk])).content.decode())
    assert "a child (not shown)" in html and child.surname not in html
    assert "Evidence" not in html and "night manager" not in html
    listing = client.get(reverse("disruption:list")).content.decode()
    assert child.surname not in listing and "a child (not shown)" in listing
    client.force_login(alice)
    html = words(client.get(reverse("disruption:detail", args=[disruption.pk])).content.decode())
    assert child.full_name in html and "Statement of the night manager" in html


def test_a_district_officer_edits_but_is_not_offered_the_child(client, alice, district, child):
    disruption = closure(alice, location(alice), type="cawn", child=child)
    client.force_login(district)
    url = reverse("disruption:edit", args=[disruption.pk])
    page = client.get(url).content.decode()
    assert 'name="child"' not in page and 'name="subject"' not in page
    data = _form(
        disruption.subject,
        type="cawn",
        version="1",
        outcome="Served (fictional)",
        lead_agency=str(alice.agency_id),
    )
    data.pop("subject")
    assert client.post(url, data).status_code == 302
    saved = Disruption.objects.get()
    assert saved.outcome == "Served (fictional)" and saved.child == child and saved.version == 2


def test_a_stale_edit_is_refused_with_both_versions_shown(client, bob):
    disruption = closure(bob, location(bob))
    client.force_login(bob)
    url = reverse("disruption:edit", args=[disruption.pk])
    data = _form(
        disruption.subject, version="1", outcome="First (fictional)", lead_agency=bob.agency_id
    )
    data.pop("subject")
    assert client.post(url, data).status_code == 302
    data["outcome"] = "Second (fictional)"
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record while you were editing" in html
    assert "First (fictional)" in html and 'name="version" value="2"' in html
    assert Disruption.objects.get().outcome == "First (fictional)"


def test_an_analyst_reads_but_may_not_edit_or_add_evidence(client, bob, analyst):
    disruption = closure(bob, location(bob))
    client.force_login(analyst)
    assert client.get(reverse("disruption:detail", args=[disruption.pk])).status_code == 200
    assert client.get(reverse("disruption:edit", args=[disruption.pk])).status_code == 403
    assert client.get(reverse("disruption:evidence_add", args=[disruption.pk])).status_code == 403


def test_evidence_is_added_from_the_disruption(client, alice, child):
    suspect = person(alice)
    disruption = closure(alice, suspect, type="cawn", child=child)
    client.force_login(alice)
    url = reverse("disruption:evidence_add", args=[disruption.pk])
    page = client.get(url).content.decode()
    assert f'value="{suspect.pk}"' in page and f'value="{child.pk}"' in page
    data = {
        "description": "CCTV of the car park (fictional)",
        "kind": "cctv",
        **date_parts("collected_on", days(-1)),
        "collected_by": str(alice.agency_id),
        "child": str(child.pk),
        "person": str(suspect.pk),
        "storage_reference": "EX/1 (fictional)",
    }
    assert client.post(url, data).status_code == 302
    item = EvidenceItem.objects.get()
    assert item.disruption == disruption and item.child == child


def test_bad_evidence_shows_the_error_summary_and_writes_nothing(client, alice):
    disruption = closure(alice, location(alice))
    client.force_login(alice)
    url = reverse("disruption:evidence_add", args=[disruption.pk])
    data = {"description": "", "kind": "", **date_parts("collected_on", days(2))}
    response = client.post(url, data)
    assert_error_summary(response.content.decode(), "description", "kind_0", "collected_on-day")
    assert not EvidenceItem.objects.exists()


def test_the_page_shows_the_mace_action_it_came_from(client, chair, analyst):
    action = mace_action(chair.agency)
    disruption = closure(chair, location(chair), action=action)
    client.force_login(chair)
    html = client.get(reverse("disruption:detail", args=[disruption.pk])).content.decode()
    assert f"Action {action.pk}" in html and "Consider a closure notice" in html
    assert reverse("meetings:action_detail", kwargs={"action_id": action.pk}) in html
    # Someone who does not work on the action is told it exists, not what it says.
    client.force_login(analyst)
    html = client.get(reverse("disruption:detail", args=[disruption.pk])).content.decode()
    assert f"Action {action.pk}" in html and "Consider a closure notice" not in html


def test_a_record_page_lists_its_disruption(client, bob, district):
    hotel = location(bob)
    closure(bob, hotel)
    client.force_login(district)
    html = client.get(reverse("intelligence:location_detail", args=[hotel.pk])).content.decode()
    assert "Closure notice</a>: served" in html
    assert f"{reverse('disruption:create')}?subject={hotel.pk}" in html


def test_the_list_and_a_page_run_as_many_queries_for_few_rows_as_for_many(client, alice, child):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hotel = location(alice)
    suspect = person(alice)

    def queries(url: str) -> int:
        client.force_login(alice)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = closure(alice, hotel, type="cawn", child=child)
    statement(alice, disruption=first, child=child, person=suspect)
    few = queries(reverse("disruption:list")), queries(first.get_absolute_url())
    for _ in range(15):
        closure(alice, hotel, type="cawn", child=child)
        statement(alice, disruption=first, child=child, person=suspect)
    many = queries(reverse("disruption:list")), queries(first.get_absolute_url())
    assert many == few
