"""The return home interview (offered and accepted, held within 72 hours by someone
independent, overdue from the 72nd hour) and the repeat missing rule (default 3 episodes in
90 days, configurable, for many children in a fixed number of queries)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError
from mace.missing.choices import InterviewStatus
from mace.missing.models import RepeatMissingRule, interview_status
from mace.missing.selectors import (
    children_meeting_repeat_missing,
    overdue_interviews,
    repeat_missing_children,
    repeat_missing_status,
    with_recent_episodes,
)
from mace.missing.services import interview_save
from mace.people.choices import EntryKind
from mace.people.models import Child, ChronologyEntry
from tests.factories import ChildFactory
from tests.missing import ago, record


@pytest.fixture
def returned(alice, child):
    """An episode that ended four days ago: its interview was due a day ago."""
    return record(
        alice, child, last_seen_at=ago(days=5), ended_at=ago(days=4), end_reason="returned"
    )


def held(alice, episode, *, at, version=None, **overrides):
    values = {
        "offered": "Y",
        "accepted": "Y",
        "held_at": at,
        "interviewer": alice,
        "independent": True,
        "child_account": "Said she stayed with a fictional friend called 'Bex'.",
        "push_factors": ["Arguments at home", "  "],
        "pull_factors": ["An older friend"],
        "people_named": ["'Bex'"],
        "places_named": ["The fictional pier", "A flat on Moonpenny Lane"],
        "actions_agreed": "Safety plan.",
    }
    values.update(overrides)
    return interview_save(actor=alice, episode=episode, version=version, **values)


def test_an_interview_not_held_is_overdue_from_the_72nd_hour(alice, child):
    episode = record(
        alice, child, last_seen_at=ago(days=4), ended_at=ago(hours=71), end_reason="found"
    )
    assert interview_status(episode, None) == InterviewStatus.DUE
    due = episode.ended_at + dt.timedelta(hours=72)
    assert interview_status(episode, None, now=due) == InterviewStatus.OVERDUE
    assert interview_status(episode, None, now=due - dt.timedelta(seconds=1)) == "due"


def test_an_open_episode_has_no_interview_due(alice, child):
    assert interview_status(record(alice, child), None) == InterviewStatus.NOT_DUE


def test_an_interview_held_in_time_by_someone_independent(alice, returned):
    interview = held(alice, returned, at=returned.ended_at + dt.timedelta(hours=20))
    assert interview_status(returned, interview) == InterviewStatus.HELD
    assert not interview.is_overdue()
    # The lists are kept as lists, one item each, blank ones dropped.
    assert interview.push_factors == ["Arguments at home"]
    assert interview.places_named == ["The fictional pier", "A flat on Moonpenny Lane"]
    entry = ChronologyEntry.objects.get(kind=EntryKind.RETURN_INTERVIEW)
    assert "held within 72 hours" in entry.title and "(independent)" in entry.title
    assert entry.occurred_at == interview.held_at


def test_an_interview_held_after_72_hours_is_late(alice, returned):
    interview = held(alice, returned, at=returned.ended_at + dt.timedelta(hours=80))
    assert interview_status(returned, interview) == InterviewStatus.HELD_LATE


def test_a_declined_interview_is_not_overdue(alice, returned):
    interview = interview_save(
        actor=alice, episode=returned, version=None, offered="Y", accepted="N"
    )
    assert interview_status(returned, interview) == InterviewStatus.DECLINED
    assert overdue_interviews(alice) == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"offered": ""}, "offered", "Say whether the child was offered"),
        ({"offered": "N", "accepted": "Y", "held_at": None}, "accepted", "not offered"),
        ({"accepted": "N"}, "accepted", "only be held if the child accepted"),
        ({"interviewer": None}, "interviewer", "Choose who held the interview"),
        ({"independent": None}, "independent", "independent of the child's care"),
        ({"child_account": ""}, "child_account", "Enter what the child said"),
        ({"held_at": "before"}, "held_at", "after the child was found or returned"),
        ({"held_at": "future"}, "held_at", "must be in the past"),
        ({"people_named": ["x" * 201]}, "people_named", "200 characters or fewer"),
    ],
)
def test_bad_interviews_are_refused_with_a_clear_message(
    alice, returned, overrides, field, message
):
    if overrides.get("held_at") == "before":
        overrides["held_at"] = returned.ended_at - dt.timedelta(hours=1)
    if overrides.get("held_at") == "future":
        overrides["held_at"] = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(DomainError) as error:
        held(alice, returned, at=overrides.pop("held_at", ago(days=3)), **overrides)
    assert any(message in m for m in error.value.errors[field]), error.value.errors
    assert not ChronologyEntry.objects.filter(kind=EntryKind.RETURN_INTERVIEW).exists()


def test_an_interview_needs_the_episode_to_have_ended(alice, child):
    with pytest.raises(DomainError) as error:
        interview_save(actor=alice, episode=record(alice, child), version=None, offered="Y")
    assert "the interview follows the return" in error.value.errors["__all__"][0]


def test_changing_an_interview_needs_the_version_read(alice, returned):
    interview = interview_save(actor=alice, episode=returned, version=None, offered="Y")
    with pytest.raises(ConflictError):
        # A second "first" interview: someone recorded one while this person typed.
        interview_save(actor=alice, episode=returned, version=None, offered="Y", accepted="N")
    saved = held(alice, returned, at=ago(days=3), version=interview.version)
    assert saved.version == 2 and saved.history.count() == 2
    with pytest.raises(ConflictError):
        held(alice, returned, at=ago(days=3), version=1, actions_agreed="Something else")


def test_a_held_interview_stops_the_episode_being_reopened_or_ending_later(alice, returned):
    from mace.missing.services import episode_update

    held(alice, returned, at=ago(days=3, hours=12))
    with pytest.raises(DomainError):
        episode_update(
            actor=alice, episode=returned, version=1, changes={"ended_at": None, "end_reason": ""}
        )
    with pytest.raises(DomainError) as error:
        episode_update(actor=alice, episode=returned, version=1, changes={"ended_at": ago(days=3)})
    assert "before this time" in error.value.errors["ended_at"][0]


def test_the_dashboard_list_shows_overdue_interviews_to_the_recording_agency(
    alice, bob, returned, child
):
    assert [e.pk for e in overdue_interviews(alice)] == [returned.pk]
    assert overdue_interviews(bob) == []  # another agency, who cannot see the child
    held(alice, returned, at=ago(days=3))
    assert overdue_interviews(alice) == []


# ---------------------------------------------------------------------------------------------
# The repeat missing rule
# ---------------------------------------------------------------------------------------------


def _episodes(actor, child, days_ago):
    for days in days_ago:
        record(
            actor,
            child,
            last_seen_at=ago(days=days),
            ended_at=ago(days=days - 0.5),
            end_reason="returned",
        )


def test_three_episodes_in_90_days_meet_the_rule_and_say_so_on_the_chronology(alice, child):
    _episodes(alice, child, [100, 60, 30])
    assert not repeat_missing_status([child])[child.pk].met
    _episodes(alice, child, [10])
    status = repeat_missing_status([child])[child.pk]
    assert (status.episodes, status.threshold, status.days, status.met) == (3, 3, 90, True)
    assert (
        ChronologyEntry.objects.filter(title__startswith="Repeat missing: 3 episodes").count() == 1
    )


def test_the_rule_is_configurable(alice, child):
    _episodes(alice, child, [100, 60, 30])
    RepeatMissingRule.objects.update(episodes=2, days=40)
    assert not repeat_missing_status([child])[child.pk].met  # only one in 40 days
    RepeatMissingRule.objects.update(days=70)
    assert repeat_missing_status([child])[child.pk].met


def test_away_episodes_can_be_left_out(alice, child):
    for days in (30, 20, 10):
        record(
            alice,
            child,
            type="A",
            last_seen_at=ago(days=days),
            ended_at=ago(days=days - 1),
            end_reason="returned",
        )
    assert repeat_missing_status([child])[child.pk].met
    RepeatMissingRule.objects.update(include_away=False)
    assert not repeat_missing_status([child])[child.pk].met


def test_the_default_rule_is_loaded_by_the_migration(db):
    rule = RepeatMissingRule.current()
    assert (rule.pk is not None, rule.episodes, rule.days, rule.include_away) == (True, 3, 90, True)


@pytest.mark.parametrize("children", [3, 12])
def test_the_rule_for_many_children_runs_a_fixed_number_of_queries(
    alice, csc, children, django_assert_num_queries
):
    kids = [ChildFactory(involved=[csc]) for _ in range(children)]
    for kid in kids[::2]:
        _episodes(alice, kid, [50, 30, 10])
    with django_assert_num_queries(2):
        statuses = repeat_missing_status(Child.objects.filter(pk__in=[k.pk for k in kids]))
    assert sum(s.met for s in statuses.values()) == len(kids[::2])
    with django_assert_num_queries(2):
        meeting = list(children_meeting_repeat_missing(Child.objects.all()))
    assert {c.pk for c in meeting} == {k.pk for k in kids[::2]}
    assert all(c.recent_missing_episodes == 3 for c in meeting)
    with django_assert_num_queries(2):
        counts = {
            c.pk: c.recent_missing_episodes for c in with_recent_episodes(Child.objects.all())
        }
    assert counts[kids[1].pk] == 0


def test_the_dashboard_list_is_the_agencys_children_meeting_the_rule(alice, bob, child, csc):
    _episodes(alice, child, [50, 30, 10])
    ChildFactory(involved=[csc])
    assert [c.pk for c in repeat_missing_children(alice)] == [child.pk]
    assert repeat_missing_children(bob) == []
