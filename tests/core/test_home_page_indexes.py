"""The home page ("My work") at national scale: its lists are read from indexes of what is
still owed (interviews, reviews) and from the agency's own caseload, kept in step by the
services that change them, never by testing every episode, assessment or child in turn."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mace.assessments.models import Assessment
from mace.missing.models import MissingEpisode, ReturnInterview
from mace.missing.services import interview_save
from tests.assessments import completed
from tests.missing import ago, record


def _owed() -> dict[int, bool]:
    return dict(MissingEpisode.objects.values_list("pk", "interview_owed"))


def test_an_episode_owes_an_interview_until_one_is_held_declined_or_not_applicable(alice, child):
    episodes = [
        record(
            alice,
            child,
            last_seen_at=ago(days=10 + n),
            ended_at=ago(days=9 + n),
            end_reason="returned",
        )
        for n in range(4)
    ]
    assert all(_owed().values())
    held, declined, not_held, untouched = episodes
    interview_save(
        actor=alice,
        episode=held,
        version=None,
        offered="Y",
        accepted="Y",
        held_at=ago(days=8),
        interviewer=alice,
        independent=True,
        child_account="A fictional account.",
    )
    interview_save(actor=alice, episode=declined, version=None, offered="Y", accepted="N")
    interview_save(actor=alice, episode=not_held, version=None, offered="Y", accepted="Y")
    assert _owed() == {held.pk: False, declined.pk: False, not_held.pk: True, untouched.pk: True}
    assert ReturnInterview.objects.count() == 3


def test_only_each_childs_latest_completed_assessment_is_marked_latest(alice, child):
    today = dt.date.today()
    first = completed(alice, child, assessed_on=today - dt.timedelta(days=60))
    assert list(Assessment.objects.filter(is_latest=True)) == [first]
    second = completed(alice, child, assessed_on=today - dt.timedelta(days=5))
    assert list(Assessment.objects.filter(is_latest=True)) == [second]
    # An older assessment completed later does not replace the latest.
    completed(alice, child, assessed_on=today - dt.timedelta(days=30))
    assert list(Assessment.objects.filter(is_latest=True)) == [second]


def _plans(sqls: list[str]) -> str:
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in sqls:
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return "\n".join(plans)


def test_on_postgresql_the_home_page_reads_its_lists_from_their_indexes(client, alice, child):
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    record(alice, child, last_seen_at=ago(days=10), ended_at=ago(days=9), end_reason="returned")
    completed(alice, child, assessed_on=dt.date.today() - dt.timedelta(days=400))
    client.force_login(alice)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboard:home")).status_code == 200
    selects = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    plans = _plans(selects)
    for index in (
        "missing_episode_owed",  # the agency's overdue interviews
        "assessment_latest_assessor",  # overdue reviews
        "people_involvement_live",  # the newest involvements
    ):
        assert f"using {index} on" in plans, index
