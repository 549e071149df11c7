"""The demo's missing episodes are deterministic and keep the rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from mace.demo.missing import plan_missing
from mace.demo.plan import plan

TODAY = dt.date(2026, 6, 30)


def test_the_plan_is_the_same_for_the_same_seed_and_differs_for_another():
    first = plan_missing(plan("tiny", 3, TODAY))
    assert first == plan_missing(plan("tiny", 3, TODAY))
    assert first != plan_missing(plan("tiny", 4, TODAY))


def test_the_planned_episodes_keep_the_rules():
    the_plan = plan("county", 1, TODAY)
    episodes = plan_missing(the_plan)
    horizon = timezone.make_aware(dt.datetime.combine(TODAY, dt.time.min))
    by_child: dict[int, list] = {}
    for e in episodes:
        by_child.setdefault(e.child, []).append(e)
        dob = the_plan.children[e.child].dob
        assert e.started_at.date() > dob
        assert e.started_at == max(m for m in (e.left_at, e.last_seen_at) if m)
        assert e.ended_at is None or e.started_at <= e.ended_at <= horizon
        if e.interview and e.interview.held_at:
            assert e.ended_at is not None and e.ended_at <= e.interview.held_at <= horizon
    for runs in by_child.values():
        for earlier, later in zip(runs, runs[1:], strict=False):
            # No overlap, and a repeat starts on a later day than the last one ended.
            assert earlier.ended_at is not None
            assert later.started_at.date() > earlier.ended_at.date()
    counts = Counter(len(runs) for runs in by_child.values())
    assert max(counts) >= 8 and counts[1] < len(by_child) * 0.6
    a_type = [e for e in episodes if e.type == "A"]
    assert sum(e.looked_after for e in a_type) > 0.8 * len(a_type)
