"""The rate limits count each request exactly once, however many arrive at the same moment:
eight clients in eight threads (each its own database connection) send more requests than the
limit, and exactly the limit get through. With the database cache the count is one atomic
upsert in a counter table; Django's database cache would read and then write, and let a
parallel burst through many times over. The race needs real parallel writers: PostgreSQL
(SQLite lets one writer in at a time). The count itself is checked on either database."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from mace.access.choices import SecurityAction
from mace.core import ratelimit
from mace.core.models import RateLimitCounter
from tests.accounts import events

THREADS = 8
EACH = 15


def _in_parallel(send: Callable[[Client, int, int], int]) -> Counter[int]:
    """Every thread sends EACH requests with its own client; the statuses answered."""
    barrier = threading.Barrier(THREADS)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def go(n: int) -> None:
        client = Client()
        mine: list[int] = []
        try:
            barrier.wait()
            mine = [send(client, n, i) for i in range(EACH)]
        finally:
            connection.close()
        with lock:
            statuses.update(mine)

    workers = [threading.Thread(target=go, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def _clear_of_a_window_edge() -> None:
    # A burst that straddles the minute would be counted in two windows.
    if time.time() % ratelimit.WINDOW_SECONDS > ratelimit.WINDOW_SECONDS - 15:
        time.sleep(ratelimit.WINDOW_SECONDS - time.time() % ratelimit.WINDOW_SECONDS + 0.1)


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel writers need PostgreSQL; SQLite serialises them")


def test_parallel_api_requests_let_exactly_the_limit_through(transactional_db, settings):
    _postgresql_only()
    settings.MACE_RATE_LIMIT_API = 50
    _clear_of_a_window_edge()
    # Not signed in: counted by address, then answered 401 when allowed through.
    statuses = _in_parallel(lambda client, n, i: client.get("/api/v1/children").status_code)
    assert statuses == Counter({401: 50, 429: THREADS * EACH - 50})
    assert len(events(SecurityAction.RATE_LIMITED)) == 1, "the first refusal alone is recorded"


def test_parallel_sign_in_attempts_let_exactly_the_limit_through(transactional_db, settings):
    _postgresql_only()
    settings.MACE_RATE_LIMIT_SIGN_IN = 30
    _clear_of_a_window_edge()

    def attempt(client: Client, n: int, i: int) -> int:
        # A different (unknown) username each time, so no lockout is reached first.
        username = f"nobody-{n}-{i}-fictional"
        return client.post("/sign-in/", {"username": username, "password": "wrong"}).status_code

    statuses = _in_parallel(attempt)
    assert statuses == Counter({200: 30, 429: THREADS * EACH - 30})


def test_each_request_gets_the_next_number_and_a_new_window_starts_again(db):
    # On either database: the counter counts, keeps callers and scopes apart, and a window
    # that started over an hour ago is pruned when a new one begins.
    RateLimitCounter.objects.create(key="ratelimit:api:old", window_start=0, count=9)
    counts = [ratelimit.hit("api", "address:192.0.2.1", 3).count for _ in range(5)]
    assert counts == [1, 2, 3, 4, 5]
    verdicts = [ratelimit.hit("api", "address:192.0.2.1", 3) for _ in range(1)]
    assert not verdicts[0].allowed and not verdicts[0].first_refusal
    assert ratelimit.hit("api", "address:192.0.2.2", 3).count == 1
    assert ratelimit.hit("sign-in", "address:192.0.2.1", 3).count == 1
    assert not RateLimitCounter.objects.filter(key="ratelimit:api:old").exists()
    now = int(time.time())
    start = now - now % ratelimit.WINDOW_SECONDS
    row = RateLimitCounter.objects.get(key="ratelimit:api:address:192.0.2.1")
    assert (row.window_start, row.count) == (start, 6)
