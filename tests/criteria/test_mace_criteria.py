"""The MACE criteria: a child meets them when known to be exploited, when assessed high risk, or
when most vulnerable because of missing episodes (the repeat rule, or one episode while assessed
medium or high). The platform says which rule matched and on what records, keeps each
quadrant's list, and lets the quadrant's MACE chairs and coordinator see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mace.accounts.choices import Role
from mace.assessments.services import IndicatorRecorded
from mace.criteria.choices import CriterionCode
from mace.criteria.models import Criterion, Eligibility
from mace.criteria.services import eligibility_refresh
from mace.missing.services import episode_record
from mace.reference.models import Area, Quadrant
from tests.api import API, signed_in
from tests.assessments import completed, today
from tests.factories import ChildFactory, UserFactory


def in_area(child, code: str = "basildon"):  # type: ignore[no-untyped-def]
    child.area = Area.objects.get(code=code)  # Basildon is in the South quadrant
    child.save()
    return child


def went_missing(actor, child, *, days_ago: int, hours: int = 6):  # type: ignore[no-untyped-def]
    start = timezone.now() - dt.timedelta(days=days_ago)
    return episode_record(
        actor=actor,
        child=child,
        type="M",
        last_seen_at=start,
        ended_at=start + dt.timedelta(hours=hours),
        end_reason="found",
        risk_grade="medium",
    )


def codes(child) -> list[str]:  # type: ignore[no-untyped-def]
    row = Eligibility.objects.filter(child=child).first()
    return [r["code"] for r in row.reasons] if row else []


@pytest.fixture
def south_child(child):  # type: ignore[no-untyped-def]
    return in_area(child)


@pytest.fixture
def coordinator(csc):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="southcoordinator",
        agency=csc,
        quadrant=Quadrant.objects.get(code="south"),
        roles=[Role.MACE_COORDINATOR],
    )


# The rules ---------------------------------------------------------------------------------------


def test_a_child_assessed_high_risk_meets_the_criteria_on_that_assessment(alice, south_child):
    assessment = completed(alice, south_child, level="high", rationale="Known (fictional).")
    assert codes(south_child) == [CriterionCode.HIGH_RISK]
    row = Eligibility.objects.get(child=south_child)
    assert row.quadrant.code == "south" and row.last_level == "high"
    (evidence,) = row.reasons[0]["evidence"]
    assert (evidence["kind"], evidence["id"]) == ("assessment", assessment.pk)


def test_a_current_indicator_of_actual_exploitation_means_known_to_be_exploited(alice, south_child):
    completed(
        alice,
        south_child,
        level="high",
        indicators=[
            IndicatorRecorded("drug-running", today() - dt.timedelta(days=3), "professional")
        ],
    )
    assert codes(south_child) == [CriterionCode.KNOWN_EXPLOITED, CriterionCode.HIGH_RISK]


def test_three_episodes_in_ninety_days_meet_the_repeat_rule_with_the_episodes_named(
    alice, south_child
):
    episodes = [went_missing(alice, south_child, days_ago=d) for d in (80, 40, 5)]
    assert codes(south_child) == [CriterionCode.REPEAT_MISSING]
    reason = Eligibility.objects.get(child=south_child).reasons[0]
    assert {e["id"] for e in reason["evidence"]} == {e.pk for e in episodes}
    assert "3 missing episodes in the last 90 days" in reason["detail"]


def test_two_episodes_or_old_ones_do_not(alice, south_child):
    went_missing(alice, south_child, days_ago=200)
    went_missing(alice, south_child, days_ago=30)
    went_missing(alice, south_child, days_ago=10)
    assert codes(south_child) == []


def test_one_episode_while_assessed_medium_meets_the_criteria_but_not_while_low(
    alice, south_child, csc
):
    completed(alice, south_child, level="medium")
    went_missing(alice, south_child, days_ago=12)
    assert codes(south_child) == [CriterionCode.MISSING_AT_RISK]
    other = in_area(ChildFactory(involved=[csc]))
    completed(alice, other, level="low", rationale="Vulnerable only (fictional).", factors=["21"])
    went_missing(alice, other, days_ago=12)
    assert codes(other) == []


def test_a_criterion_switched_off_stops_counting_and_the_list_follows(alice, south_child):
    completed(alice, south_child, level="high")
    Criterion.objects.filter(code=CriterionCode.HIGH_RISK).update(active=False)
    result = eligibility_refresh()
    assert result.stopped == 1 and codes(south_child) == []


def test_time_moving_episodes_out_of_the_window_takes_the_child_off_the_list(alice, south_child):
    for days_ago in (85, 60, 50):
        went_missing(alice, south_child, days_ago=days_ago)
    assert codes(south_child) == [CriterionCode.REPEAT_MISSING]
    later = timezone.now() + dt.timedelta(days=10)
    assert eligibility_refresh(now=later).stopped == 1
    assert not Eligibility.objects.filter(child=south_child).exists()


def test_a_refresh_changes_nothing_when_nothing_changed(alice, south_child):
    completed(alice, south_child, level="high")
    before = Eligibility.objects.get(child=south_child)
    result = eligibility_refresh()
    assert (result.started, result.stopped, result.changed) == (0, 0, 0)
    after = Eligibility.objects.get(child=south_child)
    assert after.changed_at == before.changed_at and after.eligible_since == before.eligible_since


def test_new_reasons_move_the_child_to_the_top_of_the_list(alice, south_child, csc):
    completed(alice, south_child, level="high")
    other = in_area(ChildFactory(involved=[csc]))
    completed(alice, other, level="high")
    first = Eligibility.objects.get(child=south_child).changed_at
    for days_ago in (30, 20, 10):
        went_missing(alice, south_child, days_ago=days_ago)
    row = Eligibility.objects.get(child=south_child)
    assert row.changed_at > first
    south = Quadrant.objects.get(code="south")
    from mace.criteria.selectors import quadrant_list

    assert [r.child_id for r in quadrant_list(south)] == [south_child.pk, other.pk]


# Who sees the list, and the children on it ------------------------------------------------------


def test_the_quadrants_chair_sees_the_list_and_the_children_on_it(chair, alice, south_child):
    # The chair is police; only children's social care works with this child.
    assert signed_in(chair).get(reverse("people:detail", args=[south_child.pk])).status_code == 404
    completed(alice, south_child, level="high")
    listing = signed_in(chair).get(reverse("criteria:quadrant_list", args=["south"]))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert south_child.full_name in html and "Assessed as high risk" in html
    page = signed_in(chair).get(reverse("people:detail", args=[south_child.pk]))
    assert page.status_code == 200 and "Meets the MACE criteria" in page.content.decode()


def test_another_quadrants_panel_and_other_roles_do_not(alice, bob, manager, south_child):
    completed(alice, south_child, level="high")
    north_chair = UserFactory(
        quadrant=Quadrant.objects.get(code="north"),
        agency=bob.agency,
        roles=[Role.MACE_CHAIR],
    )
    for user in (north_chair, bob, manager):
        response = signed_in(user).get(reverse("criteria:quadrant_list", args=["south"]))
        assert response.status_code == 403, user.username
    assert (
        signed_in(north_chair).get(reverse("people:detail", args=[south_child.pk])).status_code
        == 404
    )


def test_the_mace_page_takes_a_panel_member_to_their_quadrant(coordinator, alice):
    response = signed_in(coordinator).get(reverse("criteria:index"))
    assert response["Location"] == reverse("criteria:quadrant_list", args=["south"])
    assert signed_in(alice).get(reverse("criteria:index")).status_code == 403


def test_the_api_lists_the_quadrant_with_reasons_and_records(coordinator, alice, south_child):
    assessment = completed(alice, south_child, level="high")
    went_missing(alice, south_child, days_ago=3)
    response = signed_in(coordinator).get(f"{API}/mace/eligible", {"quadrant": "South"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["quadrant"] == "South" and body["count"] == 1
    (item,) = body["items"]
    assert item["child_id"] == south_child.pk and item["child_reference"] == south_child.reference
    assert [r["code"] for r in item["reasons"]] == ["high_risk", "missing_at_risk"]
    assert item["reasons"][0]["evidence"][0]["id"] == assessment.pk
    assert (item["last_assessment_level"], item["missing_episodes_90_days"]) == ("high", 1)
    assert item["on_agenda"] is False


def test_the_api_refuses_other_quadrants_and_unknown_ones(coordinator, alice, south_child):
    client = signed_in(coordinator)
    assert client.get(f"{API}/mace/eligible", {"quadrant": "North"}).status_code == 403
    unknown = client.get(f"{API}/mace/eligible", {"quadrant": "Atlantis"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "quadrant"
    assert signed_in(alice).get(f"{API}/mace/eligible", {"quadrant": "South"}).status_code == 403


def test_a_childs_standing_is_read_through_the_access_policy(alice, bob, south_child):
    completed(alice, south_child, level="high")
    mine = signed_in(alice).get(f"{API}/mace/children/{south_child.pk}/criteria")
    assert mine.json()["meets_criteria"] is True and mine.json()["quadrant"] == "South"
    assert signed_in(bob).get(f"{API}/mace/children/{south_child.pk}/criteria").status_code == 404


@pytest.mark.parametrize("children", [3, 40])
def test_the_list_runs_a_fixed_number_of_queries(
    coordinator, alice, csc, children, django_assert_max_num_queries
):
    for _ in range(children):
        completed(alice, in_area(ChildFactory(involved=[csc])), level="high")
    client = signed_in(coordinator)
    # Session, user, device, roles, the quadrant, the page and its count, the listed children's
    # access events (the log's head, the rows, the head moved on): ten; and the API's rate-limit
    # counter in the database cache (six at most).
    with django_assert_max_num_queries(10 + 6):
        response = client.get(f"{API}/mace/eligible", {"quadrant": "south", "limit": 50})
    assert response.json()["count"] == children
    with django_assert_max_num_queries(14):
        page = client.get(reverse("criteria:quadrant_list", args=["south"]))
    assert page.status_code == 200
