"""Recording, closing, correcting and regrading episodes through the services: the rules of the
issue (no end before the start, no overlap, no start in the future or before birth), the
chronology, involvement, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.missing.models import MissingEpisode, RiskGrading
from mace.missing.services import episode_close, episode_update, risk_grade_record
from mace.people.choices import EntryKind
from mace.people.models import AgencyInvolvement, ChronologyEntry
from tests.missing import ago, missing_rows, record


def test_an_episode_starts_at_the_later_of_leaving_and_last_seen(alice, child):
    last_seen = ago(hours=8)  # once: a minute boundary between two readings moves it
    episode = record(alice, child, left_at=ago(hours=10), last_seen_at=last_seen)
    assert episode.started_at == last_seen
    assert episode.is_open and episode.agency == alice.agency and episode.recorded_by == alice


def test_either_time_alone_is_enough(alice, child):
    left = ago(hours=5)
    episode = record(alice, child, left_at=left, last_seen_at=None)
    assert episode.started_at == left


def test_recording_writes_the_chronology_and_involves_the_agency(bob, alice, child):
    AgencyInvolvement.objects.create(child=child, agency=bob.agency, reason="allocated")
    record(bob, child, police_reference="ep/26/1", risk_grade="high")
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.MISSING_EPISODE)
    assert "recorded by Essex Police" in entry.title
    assert "Police reference: EP/26/1" in entry.body
    grading = RiskGrading.objects.get()
    assert grading.grade == "high" and grading.graded_by == bob


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ended_at": "before"}, "ended_at", "must be after the episode started"),
        ({"last_seen_at": "future"}, "last_seen_at", "must be in the past"),
        ({"last_seen_at": None}, "left_at", "Enter when the child left"),
        ({"type": "X"}, "type", "Choose whether the child was missing"),
        ({"ended_at": "after", "end_reason": ""}, "end_reason", "found or returned"),
        ({"found_where": "A park"}, "ended_at", "before where and with whom"),
        ({"risk_grade": "extreme"}, "risk_grade", "Choose a risk grade"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(
    alice, child, overrides, field, message
):
    start = ago(days=2)
    values = {"last_seen_at": start, **overrides}
    if values.get("ended_at") == "before":
        values["ended_at"], values["end_reason"] = start - dt.timedelta(hours=1), "found"
    if values.get("ended_at") == "after":
        values["ended_at"] = start + dt.timedelta(hours=1)
    if values.get("last_seen_at") == "future":
        values["last_seen_at"] = timezone.now() + dt.timedelta(hours=1)
    before = missing_rows()
    with pytest.raises(DomainError) as error:
        record(alice, child, **values)
    assert any(message in m for m in error.value.errors[field]), error.value.errors
    assert missing_rows() == before


def test_a_start_on_or_before_the_date_of_birth_is_refused(alice, child):
    born = child.dob
    on_birthday = timezone.make_aware(dt.datetime.combine(born, dt.time(12)))
    with pytest.raises(DomainError) as error:
        record(alice, child, last_seen_at=on_birthday)
    assert "after the child's date of birth" in error.value.errors["left_at"][0]


def test_an_episode_overlapping_another_of_the_same_child_is_refused(alice, child):
    record(alice, child, last_seen_at=ago(days=5), ended_at=ago(days=3), end_reason="found")
    with pytest.raises(DomainError) as error:
        record(alice, child, last_seen_at=ago(days=4), ended_at=ago(days=2), end_reason="found")
    assert "overlaps another episode" in error.value.errors["__all__"][0]
    # Touching is not overlapping: the next one may start the moment the last one ended.
    record(alice, child, last_seen_at=ago(days=3))
    # And nothing can start while an episode is open.
    with pytest.raises(DomainError):
        record(alice, child, last_seen_at=ago(hours=1))


def test_another_childs_episodes_do_not_overlap_this_one(alice, child, csc):
    from tests.factories import ChildFactory

    other = ChildFactory(involved=[csc])
    record(alice, other, last_seen_at=ago(days=2))
    record(alice, child, last_seen_at=ago(days=2))


def test_a_police_reference_is_unique_within_the_recording_agency(alice, child):
    record(
        alice,
        child,
        last_seen_at=ago(days=9),
        ended_at=ago(days=8),
        end_reason="found",
        police_reference="42/XYZ",
    )
    with pytest.raises(DomainError) as error:
        record(alice, child, police_reference=" 42/xyz ")
    assert "already recorded an episode with police reference 42/XYZ" in str(error.value)


def test_closing_an_episode_sets_the_end_and_the_interview_due_time(alice, child):
    episode = record(alice, child, last_seen_at=ago(days=2))
    ended = ago(days=1)
    closed = episode_close(
        actor=alice,
        episode=episode,
        version=episode.version,
        ended_at=ended,
        end_reason="found",
        found_where="A fictional bus station",
        found_with="Two older youths",
    )
    assert closed.version == 2 and not closed.is_open
    assert closed.interview_due_at == ended + dt.timedelta(hours=72)
    titles = list(ChronologyEntry.objects.filter(child=child).values_list("title", flat=True))
    assert any(t.startswith("Found: missing episode") for t in titles)


def test_a_stale_version_is_refused_and_nothing_changes(alice, child):
    episode = record(alice, child)
    episode_update(actor=alice, episode=episode, version=1, changes={"reported_by": "Carer"})
    with pytest.raises(ConflictError) as conflict:
        episode_update(actor=alice, episode=episode, version=1, changes={"reported_by": "Aunt"})
    assert conflict.value.current.reported_by == "Carer"
    assert MissingEpisode.objects.get().reported_by == "Carer"


def test_a_correction_keeps_started_at_in_step(alice, child):
    episode = record(alice, child, last_seen_at=ago(days=2))
    last_seen = ago(days=3)
    saved = episode_update(
        actor=alice, episode=episode, version=1, changes={"last_seen_at": last_seen}
    )
    assert MissingEpisode.objects.get(pk=saved.pk).started_at == last_seen
    assert saved.history.count() == 2


def test_regrading_adds_a_grading_and_needs_a_reason(alice, child):
    episode = record(alice, child, risk_grade="medium")
    with pytest.raises(DomainError) as error:
        risk_grade_record(actor=alice, episode=episode, grade="high")
    assert error.value.errors == {"reason": ["Enter why the risk was regraded"]}
    risk_grade_record(actor=alice, episode=episode, grade="high", reason="Seen with adults")
    assert list(episode.gradings.values_list("grade", flat=True)) == ["medium", "high"]
    assert ChronologyEntry.objects.filter(title__startswith="Risk regraded high").exists()


def test_a_grading_before_the_start_or_in_the_future_is_refused(alice, child):
    episode = record(alice, child, last_seen_at=ago(days=2))
    for when in (ago(days=3), timezone.now() + dt.timedelta(hours=1)):
        with pytest.raises(DomainError) as error:
            risk_grade_record(actor=alice, episode=episode, grade="low", graded_at=when)
        assert "graded_at" in error.value.errors


def test_the_outsider_and_roles_without_case_content_are_refused(outsiders, child):
    for user in outsiders:
        with pytest.raises(Refused):
            record(user, child)
    assert not MissingEpisode.objects.exists()


def test_the_database_refuses_an_end_before_the_start(alice, child):
    from django.db import IntegrityError, transaction

    episode = record(alice, child)
    with pytest.raises(IntegrityError), transaction.atomic():
        MissingEpisode.objects.filter(pk=episode.pk).update(ended_at=ago(days=30))
