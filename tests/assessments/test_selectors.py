"""The reads others build on: the latest completed assessment of many children at once (for the
MACE criteria and the per-quadrant lists), overdue reviews and sign-offs for "My work", and a
child's history of levels."""

from __future__ import annotations

import datetime as dt

from mace.accounts.choices import Role
from mace.assessments.choices import RiskLevel
from mace.assessments.selectors import (
    awaiting_my_sign_off,
    child_assessments,
    latest_assessments,
    my_open_assessments,
    overdue_reviews,
    with_latest_assessment,
)
from mace.assessments.services import assessment_complete
from mace.people.models import AgencyInvolvement, Child
from tests.assessments import completed, draft, finishing, seen, today
from tests.factories import ChildFactory, UserFactory


def test_the_latest_completed_assessment_of_many_children_in_one_query(
    alice, csc, django_assert_num_queries
):
    children = [ChildFactory(involved=[csc]) for _ in range(5)]
    completed(alice, children[0], level="low", assessed_on=today() - dt.timedelta(days=100))
    latest = completed(alice, children[0], level="high", indicators=[seen("drug-running")])
    draft(alice, children[0], level="low")  # a draft is not a level yet
    completed(alice, children[1], level="medium", assessed_on=today() - dt.timedelta(days=200))
    queryset = with_latest_assessment(Child.objects.filter(pk__in=[c.pk for c in children]))
    with django_assert_num_queries(1):
        rows = {c.pk: c for c in queryset}
    first, second, never = rows[children[0].pk], rows[children[1].pk], rows[children[2].pk]
    assert (first.latest_assessment_id, first.latest_assessment_level) == (latest.pk, "high")
    assert first.latest_assessment_review_due == today() + dt.timedelta(weeks=6)
    assert second.latest_assessment_on == today() - dt.timedelta(days=200)
    assert never.latest_assessment_level is None
    high = with_latest_assessment(Child.objects.all()).filter(
        latest_assessment_level=RiskLevel.HIGH
    )
    assert list(high.values_list("pk", flat=True)) == [children[0].pk]
    with django_assert_num_queries(1):
        by_child = latest_assessments(c.pk for c in children)
    assert set(by_child) == {children[0].pk, children[1].pk}
    assert by_child[children[0].pk].pk == latest.pk


def test_a_review_is_overdue_until_a_later_assessment_is_completed(alice, manager, child):
    old = completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=200))
    for user in (alice, manager):
        assert [a.pk for a in overdue_reviews(user).items] == [old.pk]
    newer = draft(alice, child)
    assert overdue_reviews(alice).count == 1, "a draft does not replace the overdue review"
    assessment_complete(actor=alice, assessment=newer, version=1, changes=finishing(
        indicators=[seen("multiple-phones")]
    ))  # fmt: skip
    assert overdue_reviews(alice).count == 0


def test_another_agencys_manager_and_outsiders_do_not_follow_it_up(alice, bob, police, child):
    completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=200))
    AgencyInvolvement.objects.create(child=child, agency=police, reason="allocated")
    police_manager = UserFactory(agency=police, roles=[Role.AGENCY_MANAGER])
    assert overdue_reviews(police_manager).count == 0
    assert overdue_reviews(bob).count == 0


def test_the_overdue_list_is_bounded_oldest_first(alice, csc):
    for n in range(12):
        completed(
            alice,
            ChildFactory(involved=[csc]),
            level="low",
            assessed_on=today() - dt.timedelta(days=190 + n),
        )
    overdue = overdue_reviews(alice, limit=10)
    assert overdue.count == 12 and len(overdue.items) == 10
    dues = [a.review_due for a in overdue.items]
    assert dues == sorted(dues)


def test_a_manager_sees_the_overrides_of_their_agency_but_not_their_own(alice, manager, csc, child):
    assessment = draft(alice, child, indicators=[seen("drug-running")])
    assessment_complete(
        actor=alice,
        assessment=assessment,
        version=1,
        changes=finishing(level="medium", override_reason="A fictional reason."),
    )
    assert [a.pk for a in awaiting_my_sign_off(manager).items] == [assessment.pk]
    assert awaiting_my_sign_off(alice).count == 0
    own = UserFactory(agency=csc, roles=[Role.AGENCY_MANAGER, Role.PRACTITIONER])
    theirs = draft(own, ChildFactory(involved=[csc]), indicators=[seen("drug-running")])
    assessment_complete(
        actor=own,
        assessment=theirs,
        version=1,
        changes=finishing(level="low", override_reason="A fictional reason."),
    )
    assert [a.pk for a in awaiting_my_sign_off(own).items] == [assessment.pk]
    assert {a.pk for a in my_open_assessments(alice).items} == {assessment.pk}


def test_the_childs_page_summary_is_bounded(alice, child, django_assert_max_num_queries):
    for n in range(8):
        completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=n))
    draft(alice, child)
    with django_assert_max_num_queries(3):
        summary = child_assessments(child)
    assert len(summary.recent) == 5 and summary.completed_count == 8 and summary.more
    assert summary.current is not None and summary.current.assessed_on == today()
    assert len(summary.in_progress) == 1
