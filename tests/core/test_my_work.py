from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mace.access.choices import AccessAction
from mace.access.models import AccessEvent
from mace.concerns.models import ConcernRoute
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.people.models import ChronologyEntry
from tests.factories import ChildFactory
from tests.pages import assert_sign_in_redirect, today


@pytest.fixture
def concern(alice, child):
    return concern_record(
        actor=alice,
        child=child,
        narrative="Seen with a fictional older group near the pier.",
        indicators=[IndicatorSeen("multiple-phones", today(), "observed")],
        routes=[
            RouteTo("police", today() + dt.timedelta(days=2)),
            RouteTo("csc", today() + dt.timedelta(days=5)),
        ],
    )


def test_anonymous_is_sent_to_sign_in(client, db):
    assert_sign_in_redirect(client.get(reverse("dashboard:home")))


def test_a_practitioner_sees_their_concerns_with_routes_and_target_dates(client, alice, concern):
    client.force_login(alice)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zephyrine Testington" in html
    assert "Police:" in html and "Children&#x27;s social care:" in html
    assert "Overdue" not in html


def test_a_route_past_its_target_date_is_marked_overdue(client, alice, concern):
    ConcernRoute.objects.filter(concern=concern, route="police").update(
        target_date=today() - dt.timedelta(days=1)
    )
    client.force_login(alice)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "Overdue" in html


def test_it_lists_the_children_the_agency_is_involved_with_and_logs_the_listing(
    client, alice, child
):
    client.force_login(alice)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert reverse("people:detail", args=[child.pk]) in html
    assert AccessEvent.objects.filter(user=alice, child=child, action=AccessAction.LIST).exists()


def test_the_lists_are_bounded(client, alice, csc):
    for _ in range(15):
        ChildFactory(involved=[csc])
    client.force_login(alice)
    response = client.get(reverse("dashboard:home"))
    assert len(response.context["involvements"]) == 10


def test_the_outsider_sees_none_of_the_childs_details(client, bob, child, concern):
    client.force_login(bob)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "Zephyrine" not in html


@pytest.mark.parametrize("persona", ["district", "board", "admin_user"])
def test_roles_without_case_content_see_what_they_can_do_and_no_child_data(
    client, request, persona, child, concern
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What you can do" in html
    assert "Zephyrine" not in html and "Testington" not in html
    assert not AccessEvent.objects.filter(user=user).exists()
    assert ChronologyEntry.objects.count() == 1
