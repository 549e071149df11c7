"""Two episodes recorded for one child at the same moment cannot both pass the overlap check:
the service takes the child's row lock first. Real threads and real row locks: PostgreSQL only
(SQLite lets one writer in at a time anyway). Run with DATABASE_URL=postgres://..."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mace.accounts.choices import Role
from mace.core.errors import DomainError
from mace.missing.models import MissingEpisode
from tests.factories import ChildFactory, UserFactory, agency
from tests.missing import ago, record


def test_threads_recording_overlapping_episodes_let_exactly_one_through(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("real-threads race runs on PostgreSQL")
    from django.apps import apps

    from mace.missing.models import RepeatMissingRule
    from mace.reference.data import load

    # A transactional test before this one may have emptied the tables the migrations filled.
    load(apps)
    if not RepeatMissingRule.objects.exists():
        RepeatMissingRule.objects.create()
    csc = agency("Essex Children and Families (social care)")
    user = UserFactory(username="racer", agency=csc, roles=[Role.PRACTITIONER])
    child = ChildFactory(forename="Wrenna", surname="Racewell", involved=[csc])
    threads = 6
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def go(n: int) -> None:
        try:
            barrier.wait()
            record(user, child, last_seen_at=ago(hours=10 + n))
            result = "recorded"
        except DomainError:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=go, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["recorded"] + ["refused"] * (threads - 1)
    assert MissingEpisode.objects.filter(child=child).count() == 1
