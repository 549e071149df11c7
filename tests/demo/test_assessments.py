"""The demo data set's assessments: a realistic share of the children with concerns, levels that
follow what was seen (more low and medium than high), no guard rule broken, some reviews
overdue, histories whose level changed, one override waiting for the demo manager, all built
deterministically from the seed."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from mace.accounts.models import User
from mace.assessments.choices import AssessmentStatus, RiskLevel
from mace.assessments.models import Assessment
from mace.assessments.rules import level_errors
from mace.assessments.selectors import assessment_summary, assessments_shown, overdue_reviews
from mace.demo import assessments as assessments_demo
from mace.demo.accounts import PASSWORD_ENV
from mace.demo.plan import plan
from mace.people.choices import EntryKind
from mace.people.models import AgencyInvolvement, Child, ChronologyEntry

TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def tiny(db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", "--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat())


def test_about_half_of_the_children_with_concerns_are_assessed(tiny):
    with_concerns = Child.objects.filter(concerns__isnull=False).distinct().count()
    assessed = Assessment.objects.values("child").distinct().count()
    assert 0.3 * with_concerns <= assessed <= 0.75 * with_concerns
    assert not Assessment.objects.filter(child__concerns__isnull=True).exists()


def test_the_assessing_agency_is_involved_and_each_completed_one_is_on_the_chronology(tiny):
    involved = set(AgencyInvolvement.objects.values_list("child_id", "agency_id"))
    assert set(Assessment.objects.values_list("child_id", "agency_id")) <= involved
    completed = Assessment.objects.filter(status=AssessmentStatus.COMPLETED)
    entries = ChronologyEntry.objects.filter(kind=EntryKind.ASSESSMENT)
    assert entries.count() == completed.count()
    assert not completed.filter(review_due__isnull=True).exists()


def test_levels_are_more_often_low_or_medium_than_high():
    the_plan = plan("county", 1, TODAY)
    levels = Counter(
        a.level for a in assessments_demo.plan(the_plan) if a.status == AssessmentStatus.COMPLETED
    )
    assert levels[RiskLevel.LOW] + levels[RiskLevel.MEDIUM] > 3 * levels[RiskLevel.HIGH] > 0
    assert levels[RiskLevel.LOW] > levels[RiskLevel.HIGH]


def test_no_assessment_breaks_a_guard_rule(tiny):
    for assessment in assessments_shown().filter(status__in=["completed", "awaiting_sign_off"]):
        summary = assessment_summary(assessment)
        errors = level_errors(
            summary=summary,
            level=assessment.level,
            override_reason=assessment.override_reason,
            child_name="",
            agency_name="",
        )
        assert not errors, (assessment.pk, errors)
        if assessment.level == RiskLevel.HIGH:
            assert summary.actual_current, "a high level records a current sign of exploitation"


def test_one_override_waits_for_the_demo_manager(tiny):
    waiting = Assessment.objects.get(status=AssessmentStatus.AWAITING_SIGN_OFF)
    assert waiting.override_reason and waiting.level == RiskLevel.MEDIUM
    assert waiting.agency.name == assessments_demo.DEMO_AGENCY
    manager = User.objects.get(username="demo.manager")
    from mace.access import policy

    assert policy.can_sign_off_assessment(manager, waiting)
    assert Assessment.objects.filter(status=AssessmentStatus.DRAFT).exists()


def test_some_reviews_are_overdue_and_some_histories_changed_level(tiny):
    manager = User.objects.get(username="demo.manager")
    assert overdue_reviews(manager, today=TODAY).count >= 1
    levels: dict[int, set[str]] = {}
    for child_id, level in Assessment.objects.filter(status="completed").values_list(
        "child_id", "level"
    ):
        levels.setdefault(child_id, set()).add(level)
    assert any(len(seen) > 1 for seen in levels.values())


def test_the_same_seed_gives_the_same_assessments():
    first = assessments_demo.plan(plan("tiny", 3, TODAY))
    assert first == assessments_demo.plan(plan("tiny", 3, TODAY))
    assert first != assessments_demo.plan(plan("tiny", 4, TODAY))
