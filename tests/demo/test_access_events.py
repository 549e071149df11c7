"""Synthetic access events, loaded by `seed_demo` after the children: reads by staff of the
agencies involved with each child, hashed and written in bulk a batch at a time, each batch in
one chain of the access log, so every chain stays whole, the same for the same seed, and an
interrupted load goes on without writing any twice."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from mace.access import chain
from mace.access.models import AccessEvent, AuditChain
from mace.core.models import DemoDataSet
from mace.demo import access_events
from mace.demo.accounts import PASSWORD_ENV
from mace.people.models import AgencyInvolvement
from tests.demo.test_seed_demo import wipe_demo_data

TODAY = date(2025, 6, 30)
LOG = AccessEvent.log_name()


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def small_batches(monkeypatch):  # type: ignore[no-untyped-def]
    """Batches of 100, so a few hundred events fill several chains."""
    monkeypatch.setattr(access_events, "BATCH", 100)


def seed(*args: str) -> str:
    out = StringIO()
    call_command(
        "seed_demo", "--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat(), *args,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def verified() -> str:
    out = StringIO()
    call_command("verify_audit", "--full", stdout=out)
    return out.getvalue()


def events() -> list[tuple[Any, ...]]:
    """The synthetic events by what they say, not by database ids (which differ between
    loads), in the order they were written."""
    rows = (
        AccessEvent.objects.filter(detail=access_events.DETAIL)
        .order_by("pk")
        .values_list(
            "at", "user__username", "child__forename", "child__surname", "child__dob", "action",
            "outcome", "channel", "shard", "path", "child_id",
        )
    )  # fmt: skip
    return [(*row[:-2], row[-2].replace(f"/{row[-1]}/", "/<child>/")) for row in rows]


@pytest.mark.django_db
def test_the_events_are_reads_by_involved_staff_in_whole_chains(small_batches):
    out = seed("--access-events", "350")

    assert "350 access events" in out
    added = list(AccessEvent.objects.order_by("pk").select_related("user"))
    assert len(added) == 350
    involved = set(AgencyInvolvement.objects.values_list("child_id", "agency_id"))
    assert all((e.child_id, e.user.agency_id) in involved for e in added)
    assert all(e.path == f"/children/{e.child_id}/" for e in added if e.channel == "page")
    times = [e.at for e in added]
    assert times == sorted(times) and times[-1].date() < TODAY
    # Batch n in chain n: three chains of 100 and one of 50, each head where its rows end.
    assert Counter(e.shard for e in added) == {0: 100, 1: 100, 2: 100, 3: 50}
    heads = {h.shard: h for h in AuditChain.objects.filter(log=LOG)}
    for shard in range(4):
        last = AccessEvent.objects.filter(shard=shard).order_by("pk").last()
        assert last is not None
        assert (heads[shard].length, heads[shard].last_hash) == (
            100 if shard < 3 else 50,
            last.hash,
        )
    result = chain.verify(AccessEvent, full=True)
    assert result.broken is None and result.rows == 350
    assert "Every audit log's chain is intact." in verified()

    # The platform's own writes go on in the same chains.
    chain.append([AccessEvent(action="view", outcome="allowed", channel="page")])
    assert chain.verify(AccessEvent, full=True).broken is None


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_events_and_another_seed_others(small_batches):
    seed("--access-events", "250")
    first = events()
    assert len(first) == 250
    wipe_demo_data()

    seed("--access-events", "250")
    assert events() == first
    wipe_demo_data()

    out = StringIO()
    call_command(
        "seed_demo", "--scale", "tiny", "--seed", "2", "--today", TODAY.isoformat(),
        "--access-events", "250", stdout=out,
    )  # fmt: skip
    other = events()
    assert len(other) == 250 and other != first
    assert [e[0] for e in other] == [e[0] for e in first]  # the same times, other reads


@pytest.mark.django_db
def test_an_interrupted_load_goes_on_to_the_same_events_without_writing_any_twice(
    small_batches,
):
    seed("--access-events", "250")
    whole = events()
    wipe_demo_data()

    # The one chunk of children, then no budget left for the events.
    out = seed("--access-events", "250", "--chunks", "1")
    assert "0 of its 250 access events so far" in out
    assert not AccessEvent.objects.exists()
    assert "100 of its 250 access events so far" in seed("--chunks", "1")
    assert AccessEvent.objects.count() == 100
    assert "Every audit log's chain is intact." in verified()
    loaded = DemoDataSet.objects.get()
    assert (loaded.access_events, loaded.access_events_planned) == (100, 250)
    assert loaded.counts["access events"] == 100

    # Another number is ignored once some are written: the load keeps the one it started with.
    out = seed("--access-events", "1000")
    assert "Loaded the demo data set 'tiny' (seed 1)" in out and "250 access events." in out
    assert events() == whole
    assert "Every audit log's chain is intact." in verified()
    out = seed()
    assert "already loaded" in out and "250 access events" in out
    assert AccessEvent.objects.count() == 250


@pytest.mark.django_db
def test_none_are_written_with_0_and_tiny_has_none_by_default(small_batches):
    out = seed()
    assert "0 access events." in out
    assert DemoDataSet.objects.get().access_events_planned == 0
    wipe_demo_data()

    out = seed("--access-events", "0")
    assert "0 access events." in out and not AccessEvent.objects.exists()
    # A data set loaded without them has them added when asked for.
    out = seed("--access-events", "150")
    assert "150 access events." in out and AccessEvent.objects.count() == 150
    assert "Every audit log's chain is intact." in verified()


def test_large_and_national_have_fifty_reads_a_child():
    assert access_events.planned("national") == 50_000_000
    assert access_events.planned("large") == 10_000_000
    assert access_events.planned("tiny") == 0
