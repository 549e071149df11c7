"""The nightly refresh of every child reads its facts a batch at a time (by ranges of child ids,
the latest assessment from its mark, the episodes once per batch and counted for each window)
where the refresh of a few children reads them by id: both must reach the same Eligibility rows,
on the same moments, and in a fixed number of queries a batch."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mace.assessments.services import IndicatorRecorded
from mace.criteria import services
from mace.criteria.choices import CriterionCode
from mace.criteria.models import Eligibility
from mace.criteria.services import eligibility_refresh
from mace.missing.services import episode_record
from mace.reference.models import Area
from tests.assessments import completed, today
from tests.factories import ChildFactory


def episode(actor: Any, child: Any, *, days_ago: int, type: str = "M") -> None:  # noqa: A002
    start = timezone.now() - dt.timedelta(days=days_ago)
    episode_record(
        actor=actor,
        child=child,
        type=type,
        last_seen_at=start,
        ended_at=start + dt.timedelta(hours=5),
        end_reason="found",
        risk_grade="medium",
    )


def varied(alice: Any, csc: Any) -> tuple[list[int], list[int]]:
    """Children who meet the criteria for each reason, or nearly do, or once did, with children
    who could not meet them between them (so a batch's range of ids holds children who are not
    the batch's). Their ids in the order they were made, and the others' ids."""
    basildon, harlow = Area.objects.get(code="basildon"), Area.objects.get(code="harlow")
    others: list[int] = []

    def child(area: Any = basildon) -> Any:
        made = ChildFactory(involved=[csc])
        made.area = area
        made.save()
        others.append(ChildFactory(involved=[csc]).pk)  # never assessed nor missing
        return made

    made = []
    high = child()
    completed(alice, high, level="high")
    made.append(high)
    exploited = child(harlow)
    completed(
        alice,
        exploited,
        level="high",
        indicators=[IndicatorRecorded("drug-running", today() - dt.timedelta(days=3), "observed")],
    )
    made.append(exploited)
    # Exploitation seen before the current window: an indicator, but not a current one.
    previous = child()
    completed(
        alice,
        previous,
        level="high",
        indicators=[
            IndicatorRecorded("drug-running", today() - dt.timedelta(days=150), "observed")
        ],
    )
    made.append(previous)
    medium_missing = child()
    completed(alice, medium_missing, level="medium")
    episode(alice, medium_missing, days_ago=12)
    made.append(medium_missing)
    low_missing = child()
    completed(alice, low_missing, level="low", rationale="Vulnerable only.", factors=["21"])
    episode(alice, low_missing, days_ago=12)
    made.append(low_missing)
    repeat = child(None)  # no area: no quadrant
    for days_ago, kind in ((80, "M"), (50, "A"), (20, "M"), (120, "M")):
        episode(alice, repeat, days_ago=days_ago, type=kind)
    made.append(repeat)
    # Was high, now low: the latest assessment is the one that counts.
    lowered = child()
    completed(alice, lowered, level="high", assessed_on=today() - dt.timedelta(days=40))
    completed(alice, lowered, level="low", rationale="Much safer now.", factors=["21"])
    episode(alice, lowered, days_ago=30)
    made.append(lowered)
    # Both rules that rest on episodes, with episodes near the end of the window.
    both = child(harlow)
    completed(alice, both, level="medium")
    for days_ago in (88, 85, 60):
        episode(alice, both, days_ago=days_ago)
    made.append(both)
    old = child()
    completed(alice, old, level="medium")
    episode(alice, old, days_ago=95)
    made.append(old)
    return [c.pk for c in made], others


def rows() -> list[tuple[Any, ...]]:
    return list(
        Eligibility.objects.order_by("child_id").values_list(
            "child_id",
            "codes",
            "reasons",
            "quadrant_id",
            "last_level",
            "last_assessed_on",
            "recent_episodes",
            "eligible_since",
            "changed_at",
        )
    )


def refreshed(moments: list[dt.datetime], child_ids: list[int] | None) -> list[tuple[Any, ...]]:
    """The rows after refreshing at each moment in turn, from none."""
    Eligibility.objects.all().delete()
    for moment in moments:
        eligibility_refresh(child_ids=child_ids, now=moment)
    return rows()


@pytest.mark.parametrize("batch", [3, 5000])
def test_the_full_refresh_and_the_refresh_by_id_agree_at_every_moment(
    alice, csc, batch, monkeypatch
):
    ids, others = varied(alice, csc)
    everyone = [*ids, *others]
    monkeypatch.setattr(services, "BATCH", batch)
    now = timezone.now()
    on_the_list = refreshed([now], everyone)
    assert {r["code"] for row in on_the_list for r in row[2]} == set(CriterionCode.values)
    days = dt.timedelta(days=1)
    for moments in (
        [now],
        [now - 15 * days],
        [now - 15 * days, now + 12 * days],
        [now, now + 40 * days],
    ):
        assert refreshed(moments, everyone) == refreshed(moments, None), moments


def test_time_moving_on_changes_reasons_and_counts_the_same_way(alice, csc, monkeypatch):
    ids, _ = varied(alice, csc)
    monkeypatch.setattr(services, "BATCH", 4)
    now = timezone.now()
    later = now + dt.timedelta(days=12)
    eligibility_refresh(now=now)
    before = {row[0]: row for row in rows()}
    result = eligibility_refresh(now=later)
    after = {row[0]: row for row in rows()}
    # Two of the repeat-missing child's episodes are still counted; the medium child with
    # three episodes keeps one reason and loses the other.
    assert result.stopped == 1 and result.changed == 1
    assert set(before) - set(after) == {ids[5]}
    assert before[ids[7]][1] == "repeat_missing,missing_at_risk"
    assert after[ids[7]][1] == "missing_at_risk" and after[ids[7]][8] == later
    assert (before[ids[7]][6], after[ids[7]][6]) == (3, 1)
    assert after[ids[0]] == before[ids[0]]  # nothing about the high-risk child changed


def test_a_second_refresh_writes_nothing(alice, csc, monkeypatch):
    varied(alice, csc)
    monkeypatch.setattr(services, "BATCH", 3)
    later = timezone.now() + dt.timedelta(days=12)
    eligibility_refresh(now=later)
    with CaptureQueriesContext(connection) as queries:
        result = eligibility_refresh(now=later)
    assert (result.started, result.stopped, result.changed) == (0, 0, 0)
    written = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert written == [] and len(queries) > 0


@pytest.mark.parametrize("batch", [2, 4, 5000])
def test_a_full_refresh_runs_a_fixed_number_of_queries_a_batch(alice, csc, batch, monkeypatch):
    varied(alice, csc)
    monkeypatch.setattr(services, "BATCH", batch)
    now = timezone.now()
    eligibility_refresh(now=now - dt.timedelta(days=15))
    with CaptureQueriesContext(connection) as queries:
        # New rows, changed ones and ones taken off the list: every kind of write.
        result = eligibility_refresh(now=now + dt.timedelta(days=12))
    assert result.started and result.stopped and result.changed
    batches = math.ceil(result.considered / batch)
    # The transaction (a savepoint and its release in a test), the criteria, the repeat rule,
    # the candidates and who is known to be exploited; then a batch's children, their latest
    # assessments, episodes and rows, and at most an INSERT, an UPDATE and a DELETE.
    assert len(queries) <= 2 + 4 + 7 * batches, [q["sql"][:80] for q in queries]
