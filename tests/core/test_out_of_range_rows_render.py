"""Rows stored outside the bounds of mace.core.bounds (written before the bounds existed, or
straight into the database) still render: every page that shows the child answers 200. The
bounds apply to what is accepted, never to what is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from mace.assessments.models import Assessment, AssessmentIndicator
from mace.missing.models import MissingEpisode
from mace.people.models import Child, ChronologyEntry
from mace.people.services import chronology_note_add
from tests.assessments import completed
from tests.missing.world import closed_episode_with_interview

# The far ends of what Python and both databases can hold: year 1 and the last minute of 9999.
EARLIEST = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)


def _write_raw(table: str, column: str, value: object, pk: int) -> None:
    """Bypass the models and their validation, as an old row or a hand-made fix would."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def _pages(child: Child, episode: MissingEpisode, assessment: Assessment) -> list[str]:
    return [
        reverse("dashboard:home"),
        reverse("people:detail", args=[child.pk]),
        reverse("missing:child_episodes", args=[child.pk]),
        reverse("missing:episode_detail", args=[child.pk, episode.pk]),
        reverse("assessments:child", args=[child.pk]),
        reverse("assessments:detail", args=[child.pk, assessment.pk]),
    ]


@pytest.mark.parametrize("still_missing", [True, False], ids=["open", "closed"])
@pytest.mark.parametrize("moment", [EARLIEST, LATEST], ids=["year-1", "year-9999"])
def test_a_child_with_absurd_dates_everywhere_still_renders(
    client, alice, manager, child, moment, still_missing
):
    note = chronology_note_add(
        actor=alice, child=child, title="A fictional note", body="Nothing happened."
    )
    episode, _interview = closed_episode_with_interview(alice, child)
    assessment = completed(alice, child)
    day = moment.date()

    _write_raw(ChronologyEntry._meta.db_table, "occurred_at", moment, note.pk)
    Child.objects.filter(pk=child.pk).update(dob=day)
    ends = {"left_at": moment, "last_seen_at": moment, "started_at": moment}
    ends |= {"reported_at": moment, "ended_at": None if still_missing else moment}
    MissingEpisode.objects.filter(pk=episode.pk).update(**ends)
    Assessment.objects.filter(pk=assessment.pk).update(
        assessed_on=day, review_due=day, review_requested_on=day
    )
    AssessmentIndicator.objects.filter(assessment=assessment).update(last_seen=day)

    for user in (alice, manager):
        client.force_login(user)
        for url in _pages(child, episode, assessment):
            response = client.get(url)
            assert response.status_code == 200, (user, url)


def test_the_chronology_shows_the_stored_date_as_it_is(client, alice, child):
    note = chronology_note_add(
        actor=alice, child=child, title="A fictional note", body="Nothing happened."
    )
    _write_raw(ChronologyEntry._meta.db_table, "occurred_at", EARLIEST, note.pk)
    client.force_login(alice)
    response = client.get(reverse("people:detail", args=[child.pk]))
    assert response.status_code == 200
    assert "A fictional note" in response.content.decode()
    # Shown as stored (UTC): year 1 cannot be moved into UK time.
    assert "1 January 1 at 12:00am" in response.content.decode()
