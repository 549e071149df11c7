"""The demo's missing episodes are deterministic and keep the rules; the repeat missing rule is
edited in the admin, with history, and cannot be deleted."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.urls import reverse
from django.utils import timezone

from mace.core import demo
from mace.missing.demo import plan_missing
from mace.missing.models import RepeatMissingRule
from tests.factories import UserFactory

TODAY = dt.date(2026, 6, 30)


def test_the_plan_is_the_same_for_the_same_seed_and_differs_for_another():
    first = plan_missing(demo.plan("tiny", 3, TODAY))
    assert first == plan_missing(demo.plan("tiny", 3, TODAY))
    assert first != plan_missing(demo.plan("tiny", 4, TODAY))


def test_the_planned_episodes_keep_the_rules():
    the_plan = demo.plan("county", 1, TODAY)
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


def test_the_rule_is_edited_in_the_admin_with_history_and_never_deleted(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    rule = RepeatMissingRule.current()
    url = reverse("admin:missing_repeatmissingrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"episodes": "4", "days": "60", "include_away": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.episodes, rule.days) == (4, 60)
    assert rule.history.first().history_user == admin
    assert client.get(reverse("admin:missing_repeatmissingrule_add")).status_code == 403
    delete = reverse("admin:missing_repeatmissingrule_delete", args=[rule.pk])
    assert client.get(delete).status_code == 403
